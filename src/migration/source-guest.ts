/**
 * The guest on the source while it is being migrated: slices sized to take about a millisecond
 * (so the sender is never kept waiting long), throttled by auto-converge (after running t ms it
 * may not run again for t·p/(100−p) ms), its console handed on. A guest that halts or crashes
 * ends the migration: there is nothing left to move.
 */
import type { HostedVm, SliceResult } from './vm/hosted.js';
import type { Throttle } from './auto-converge.js';

/** Wall time of one guest slice. */
const SLICE_MS = 1;

export class SourceGuest {
  /** Instructions run during the migration. */
  instructions = 0;
  private slice = 10_000;
  private wakeAt = 0;
  constructor(private readonly vm: HostedVm, private readonly maxSlice: number, private readonly throttle: Throttle,
    private readonly onOutput: ((t: string) => void) | undefined, private readonly ended: (r: SliceResult) => never) {}

  /** A slice, unless the throttle has the vCPU asleep: false when it did not run. */
  run(): boolean {
    const now = performance.now();
    if (now < this.wakeAt) return false;
    const r = this.vm.run(this.slice);
    this.instructions += this.slice;
    const out = this.vm.takeOutput();
    if (out) this.onOutput?.(out);
    const ran = performance.now() - now;
    if (ran > 0) this.slice = Math.max(1000, Math.min(this.maxSlice, Math.round((this.slice * SLICE_MS) / ran)));
    this.wakeAt = performance.now() + this.throttle.sleepAfter(ran);
    if (r.kind !== 'running') this.ended(r);
    return true;
  }
}
