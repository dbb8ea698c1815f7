/**
 * A learning Ethernet switch: ports attach and detach; every frame teaches the switch which port
 * its source MAC is behind (the newest port wins, which is how a host that moved is found again);
 * a frame to a known unicast MAC goes to that port only, a frame to a group address or an unknown
 * MAC is flooded to every other port. Malformed frames are dropped and counted.
 */
import { decodeFrame, isGroup, FrameError } from './ethernet.js';

/** Something plugged into a switch port: a virtual NIC's backend, a host. */
export interface SwitchPort {
  readonly name: string;
  /** A frame the switch delivers to this port. */
  receive(frame: Uint8Array): void;
}

export class VirtualSwitch {
  private readonly ports = new Set<SwitchPort>();
  private readonly table = new Map<string, SwitchPort>();
  readonly counts = { forwarded: 0, flooded: 0, dropped: 0 };

  attach(port: SwitchPort): void { this.ports.add(port); }
  /** Unplugs a port and forgets the MACs learned on it. */
  detach(port: SwitchPort): void {
    this.ports.delete(port);
    for (const [mac, p] of this.table) if (p === port) this.table.delete(mac);
  }
  /** The port a MAC was last seen on. */
  lookup(mac: string): SwitchPort | undefined { return this.table.get(mac.toLowerCase()); }
  /** Learns (or relearns) that `mac` is behind `port`. */
  learn(mac: string, port: SwitchPort): void { if (!isGroup(mac)) this.table.set(mac.toLowerCase(), port); }
  /** The MAC table, for display. */
  entries(): Array<[string, string]> { return [...this.table].map(([m, p]) => [m, p.name]); }

  /** A frame entering from `from`. */
  send(from: SwitchPort, frame: Uint8Array): void {
    let f;
    try { f = decodeFrame(frame); } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.counts.dropped++;
      return;
    }
    if (!this.ports.has(from)) { this.counts.dropped++; return; }
    this.learn(f.src, from);
    const to = isGroup(f.dst) ? undefined : this.table.get(f.dst);
    if (to) {
      if (to !== from) { this.counts.forwarded++; to.receive(frame.slice()); }
      return;
    }
    this.counts.flooded++;
    for (const p of [...this.ports]) if (p !== from) p.receive(frame.slice());
  }
}
