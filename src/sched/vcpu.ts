/**
 * A vCPU as the host keeps it: what a scheduler sees (SchedVcpu), the body that runs it (a guest
 * under a VMM strategy, or a driver domain's backend work), its state, and what was measured of it.
 */
import type { Params } from './params.js';
import type { SchedVcpu } from './scheduler.js';
import type { HostEvent } from './events.js';

/** How a piece of a vCPU's run ended. */
export type BodyEnd = 'slice' | 'block' | 'done';

/** What runs on a pCPU when the vCPU is scheduled. */
export interface VcpuBody {
  /** Runs for about `ns` of virtual time from `now`; returns how long it really ran (modelled) and why it stopped. */
  run(now: number, ns: number): { ran: number; end: BodyEnd };
  /** After a `block`: when the vCPU's own timer wakes it (Infinity: only an event can). */
  wakeTime(): number;
  /** After `done`: how it ended ("halt 0", "crash: ..."). */
  outcome(): string;
  /** A service domain (dom0): it runs as long as the guests need it, and the host ends without it. */
  readonly service?: boolean;
  /** Virtual time its steps ran past the end they were given (ns), in all and at most. */
  readonly overrunNs?: number;
  readonly maxOverrunNs?: number;
}

export type VcpuState = 'runnable' | 'running' | 'blocked' | 'done';

/** What the host measured of one vCPU. */
export class VcpuRecord {
  /** CPU time per window of the host's `windowNs`. */
  readonly windows: number[] = [];
  /** Time from becoming runnable to running, for every time it was scheduled in. */
  readonly waits: number[] = [];
  /** Time from a wake-up (its timer, an event) to running. */
  readonly wakeLatencies: number[] = [];
  /** Times it was switched onto a pCPU. */
  switchesIn = 0;
  /** Times it blocked. */
  blocks = 0;
  /** Virtual time it finished, and how. */
  finishedAt: number | undefined;
  outcome: string | undefined;
}

export class HostVcpu implements SchedVcpu {
  state: VcpuState = 'runnable';
  cpuNs = 0;
  /** When it last became runnable (for the run-queue wait). */
  readySince: number;
  /** When it was last woken, until it runs. */
  wokenAt: number | undefined;
  /** Its pending wake-up at its own timer. */
  wakeEvent: HostEvent | undefined;
  readonly record = new VcpuRecord();

  constructor(readonly id: number, readonly name: string, readonly params: Params, readonly body: VcpuBody, public pcpu: number, now: number) {
    this.readySince = now;
  }
  get runnable(): boolean { return this.state === 'runnable' || this.state === 'running'; }
}
