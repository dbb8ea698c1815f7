/**
 * The hypervisor of a host: the frame table, the page-table rules, the grant tables and the
 * domains, and the hypercall entry point. dom0 is the TypeScript host itself (the toolstack and
 * the backends); it calls hypercalls with its arguments in a host buffer (xc.ts), the domUs with
 * theirs in their own memory (an ECALL from their kernel, strategy.ts).
 */
import type { Machine } from '../../bindings/machine.js';
import type { HostMemory } from '../vmm/frames.js';
import { FrameTable } from './frame-table.js';
import { PageTableRules } from './page-tables.js';
import { GrantTables } from './grant-table.js';
import { EventChannels, type EventDomains } from './event-channels.js';
import { HostEventBitmaps } from './shared-info.js';
import { HostBuffer, PagedAccess, type GuestAccess } from './guest-access.js';
import type { PvDomain } from './domain.js';
import { err, HYPERCALL_NAMES, DOMID_SELF, DOMID_0 } from './abi.js';
import { HYPERCALLS } from './hypercalls.js';

/** Who makes a hypercall, and how the hypervisor reaches its arguments. */
export interface Caller {
  domid: number;
  access: GuestAccess;
  /** The domU making the call; undefined for dom0. */
  domain?: PvDomain;
  /** Whether this call runs inside a multicall (a nested multicall is refused). */
  inMulticall?: boolean;
}

/** One hypercall's handler: its arguments (a0..a5) in, a result (0, a value, or -errno) out. */
export type Handler = (hv: Hypervisor, caller: Caller, args: bigint[]) => number;

/** Counters of hypercalls by name, top-level and inside multicalls. */
export class HypercallCounts {
  readonly calls = new Map<string, number>();
  count(name: string): void { this.calls.set(name, (this.calls.get(name) ?? 0) + 1); }
}

export class Hypervisor implements EventDomains {
  readonly frames: FrameTable;
  readonly rules: PageTableRules;
  readonly grants: GrantTables;
  readonly domains = new Map<number, PvDomain>();
  /** dom0's ports: each backend registers a handler for the ports it listens on. */
  readonly dom0Channels: EventChannels;
  private readonly dom0Handlers = new Map<number, (port: number) => void>();
  readonly counts = new HypercallCounts();

  constructor(readonly machine: Machine, readonly host: HostMemory) {
    this.frames = new FrameTable(machine, host);
    this.rules = new PageTableRules(machine, this.frames);
    this.grants = new GrantTables(machine, this.frames);
    this.dom0Channels = new EventChannels(DOMID_0, new HostEventBitmaps((p) => this.dom0Handlers.get(p)?.(p)), this);
  }

  channels(domid: number): EventChannels | undefined {
    return domid === DOMID_0 ? this.dom0Channels : this.domains.get(domid)?.channels;
  }
  /** A backend in dom0 listens on one of dom0's ports. */
  onDom0Event(port: number, handler: (port: number) => void): void { this.dom0Handlers.set(port, handler); }

  /** The domain a caller names: DOMID_SELF or its own id for a domU, any domain for dom0. */
  target(caller: Caller, domid: number): number | undefined {
    const d = domid === DOMID_SELF ? caller.domid : domid;
    if (caller.domid !== DOMID_0 && d !== caller.domid) return undefined;
    return this.domains.has(d) || d === DOMID_0 ? d : undefined;
  }

  /** A domU's hypercall, its arguments in its own memory. */
  guestCaller(domain: PvDomain): Caller {
    return { domid: domain.id, access: new PagedAccess(this.machine, this.frames, domain.id), domain };
  }
  /** A dom0 hypercall with its arguments in `buffer`. */
  dom0Caller(buffer: HostBuffer): Caller { return { domid: DOMID_0, access: buffer }; }

  /**
   * A domain goes away: its ports close (its peers' become unbound), its grants and the mappings of
   * them end, its frames lose every count before they go back to the pool, its host ASIDs are given
   * back (flushed).
   */
  destroyDomain(d: PvDomain): void {
    if (this.domains.get(d.id) !== d) return;
    d.channels.closeAll();
    this.grants.forget(d.id);
    this.frames.forgetDomain(d.id);
    d.releaseAsids(this.host);
    this.domains.delete(d.id);
  }

  /** Dispatches hypercall `nr`. Unknown numbers are -ENOSYS, as in Xen. */
  hypercall(caller: Caller, nr: number, args: bigint[]): number {
    const handler = HYPERCALLS[nr];
    const name = HYPERCALL_NAMES[nr];
    this.counts.count(name ?? `#${nr}`);
    if (!handler) return err('ENOSYS');
    return handler(this, caller, args);
  }
}
