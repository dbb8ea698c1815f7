/**
 * Event channels (event_channel.h): per-domain ports bound to another domain's port
 * (alloc_unbound + bind_interdomain), to a virtual IRQ, or to the domain itself (IPI). A send sets
 * the remote port pending in that domain's bitmaps; a guest whose port is unmasked gets an upcall
 * (the strategy raises it as an S-mode interrupt); dom0's backends are called at once.
 */
import { err, NR_VIRQS, DOMID_SELF } from './abi.js';
import type { EventBitmaps } from './shared-info.js';

/** Ports a domain may use (Xen's default max_event_channels is 1023; port 0 is never allocated). */
export const MAX_PORTS = 1024;

export type PortState =
  | { kind: 'free' }
  | { kind: 'unbound'; remoteDom: number }
  | { kind: 'interdomain'; remoteDom: number; remotePort: number }
  | { kind: 'virq'; virq: number }
  | { kind: 'ipi' };

/** How a domain's channels reach the other domains' (the hypervisor's domain table). */
export interface EventDomains { channels(domid: number): EventChannels | undefined }

export class EventChannels {
  private readonly ports: PortState[] = [{ kind: 'free' }];
  private readonly virqs = new Map<number, number>();
  /** Sends and deliveries, for the counters. */
  sends = 0;
  upcallsRaised = 0;

  constructor(readonly domid: number, readonly bitmaps: EventBitmaps, private readonly domains: EventDomains) {}

  private resolve(dom: number): number { return dom === DOMID_SELF ? this.domid : dom; }
  private state(port: number): PortState | undefined {
    return Number.isInteger(port) && port > 0 && port < this.ports.length ? this.ports[port] : undefined;
  }
  private allocPort(): number {
    for (let p = 1; p < this.ports.length; p++) if (this.ports[p].kind === 'free') return p;
    if (this.ports.length >= MAX_PORTS) return err('ENOSPC');
    this.ports.push({ kind: 'free' });
    return this.ports.length - 1;
  }

  /** EVTCHNOP_alloc_unbound: a port that `remoteDom` may bind. The port, or -errno. */
  allocUnbound(remoteDom: number): number {
    const remote = this.resolve(remoteDom);
    if (!this.domains.channels(remote)) return err('ESRCH');
    const port = this.allocPort();
    if (port < 0) return port;
    this.ports[port] = { kind: 'unbound', remoteDom: remote };
    return port;
  }

  /** EVTCHNOP_bind_interdomain: binds a new local port to `remoteDom`'s unbound port offered to us. */
  bindInterdomain(remoteDom: number, remotePort: number): number {
    const rd = this.domains.channels(this.resolve(remoteDom));
    if (!rd) return err('ESRCH');
    const rs = rd.state(remotePort);
    if (!rs || rs.kind !== 'unbound' || rs.remoteDom !== this.domid) return err('EINVAL');
    const port = this.allocPort();
    if (port < 0) return port;
    this.ports[port] = { kind: 'interdomain', remoteDom: rd.domid, remotePort };
    rd.ports[remotePort] = { kind: 'interdomain', remoteDom: this.domid, remotePort: port };
    return port;
  }

  /** EVTCHNOP_bind_virq (vCPU 0 only). */
  bindVirq(virq: number, vcpu: number): number {
    if (!Number.isInteger(virq) || virq < 0 || virq >= NR_VIRQS) return err('EINVAL');
    if (vcpu !== 0) return err('ENOENT');
    if (this.virqs.has(virq)) return err('EEXIST');
    const port = this.allocPort();
    if (port < 0) return port;
    this.ports[port] = { kind: 'virq', virq };
    this.virqs.set(virq, port);
    return port;
  }

  /** EVTCHNOP_bind_ipi (vCPU 0 only): a port the domain notifies itself through. */
  bindIpi(vcpu: number): number {
    if (vcpu !== 0) return err('ENOENT');
    const port = this.allocPort();
    if (port < 0) return port;
    this.ports[port] = { kind: 'ipi' };
    return port;
  }

  /** EVTCHNOP_close: an interdomain peer's port goes back to unbound (offered to us again). */
  close(port: number): number {
    const s = this.state(port);
    if (!s || s.kind === 'free') return err('EINVAL');
    if (s.kind === 'interdomain') {
      const rd = this.domains.channels(s.remoteDom);
      if (rd) rd.ports[s.remotePort] = { kind: 'unbound', remoteDom: this.domid };
    }
    if (s.kind === 'virq') this.virqs.delete(s.virq);
    this.ports[port] = { kind: 'free' };
    this.bitmaps.clear(port);
    return 0;
  }

  /** EVTCHNOP_send: the peer's port (or our own, for an IPI) goes pending. A send on an unbound port is dropped, as in Xen. */
  send(port: number): number {
    const s = this.state(port);
    if (!s || s.kind === 'free') return err('EINVAL');
    this.sends++;
    if (s.kind === 'interdomain') this.domains.channels(s.remoteDom)?.raise(s.remotePort);
    else if (s.kind === 'ipi') this.raise(port);
    else if (s.kind === 'virq') return err('EINVAL');
    return 0;
  }

  /** EVTCHNOP_unmask: clears the mask; a port pending meanwhile is delivered now. */
  unmask(port: number): number {
    const s = this.state(port);
    if (!s || s.kind === 'free') return err('EINVAL');
    if (this.bitmaps.unmask(port)) this.upcallsRaised++;
    return 0;
  }

  /** A virtual IRQ fired (VIRQ_TIMER from the domain's timer): its port, if bound, goes pending. */
  raiseVirq(virq: number): void {
    const port = this.virqs.get(virq);
    if (port !== undefined) this.raise(port);
  }

  private raise(port: number): void {
    if (this.bitmaps.setPending(port)) this.upcallsRaised++;
  }

  /** The local port bound to `virq`, if any. */
  virqPort(virq: number): number | undefined { return this.virqs.get(virq); }
  /** Closes every port (the domain is going away): peers' ports become unbound. */
  closeAll(): void { for (let p = 1; p < this.ports.length; p++) if (this.ports[p].kind !== 'free') this.close(p); }
  /** Every port in use and what it is bound to (for a migration). */
  bound(): [number, PortState][] {
    const out: [number, PortState][] = [];
    for (let p = 1; p < this.ports.length; p++) if (this.ports[p].kind !== 'free') out.push([p, this.ports[p]]);
    return out;
  }

  /**
   * A migrated domain's ports, on a domain with none yet: unbound, VIRQ and IPI ports as they
   * were; a port that was bound to a port of dom0 comes back unbound, offered to dom0, for this
   * host's backend to bind (its port numbers are this host's own). The pending and mask bits are
   * in the shared-info page, which moved with the guest's memory. Throws a RangeError naming the
   * first port that cannot be (a number outside 1..MAX_PORTS-1 or repeated, a VIRQ out of range
   * or bound twice, a peer other than dom0); nothing is changed then.
   */
  restore(ports: readonly [number, PortState][]): void {
    if (this.ports.length > 1) throw new Error('event channels: restore on a domain that has ports');
    const next: PortState[] = [{ kind: 'free' }];
    const virqs = new Map<number, number>();
    for (const [port, st] of ports) {
      if (!Number.isInteger(port) || port < 1 || port >= MAX_PORTS) throw new RangeError(`port ${port} is outside 1..${MAX_PORTS - 1}`);
      if (next[port] && next[port].kind !== 'free') throw new RangeError(`port ${port} appears twice`);
      while (next.length <= port) next.push({ kind: 'free' });
      switch (st.kind) {
        case 'unbound': case 'interdomain':
          if (st.remoteDom !== 0) throw new RangeError(`port ${port} is bound to domain ${st.remoteDom}: only dom0 peers move with a domain`);
          next[port] = { kind: 'unbound', remoteDom: 0 };
          break;
        case 'virq':
          if (!Number.isInteger(st.virq) || st.virq < 0 || st.virq >= NR_VIRQS || virqs.has(st.virq)) throw new RangeError(`port ${port}: VIRQ ${st.virq} is out of range or bound twice`);
          virqs.set(st.virq, port);
          next[port] = { kind: 'virq', virq: st.virq };
          break;
        case 'ipi': next[port] = { kind: 'ipi' }; break;
        default: throw new RangeError(`port ${port}: kind ${(st as { kind: string }).kind}`);
      }
    }
    this.ports.splice(0, this.ports.length, ...next);
    for (const [v, p] of virqs) this.virqs.set(v, p);
  }

  /** What a port is bound to, for tests and the status command. */
  describe(port: number): PortState | undefined { return this.state(port); }
}
