/**
 * Auto-converge (QEMU's, after VMware's slowing of the source): while the guest dirties memory
 * faster than the link sends it — in QEMU's test, the bytes dirtied in a round over half the bytes
 * sent in it, twice — the vCPU is throttled: throttleInitial percent of its time taken away, then
 * throttleIncrement more per step, up to 99%. A throttled guest, after running for t ms, sleeps
 * t · p / (100 − p) ms.
 */
import type { MigrationOptions } from './options.js';

export class Throttle {
  percent = 0;
  private highRounds = 0;
  constructor(private readonly o: MigrationOptions) {}

  /** After a pre-copy round: dirtied vs sent bytes; returns whether the throttle changed. */
  afterRound(bytesDirtied: number, bytesSent: number): boolean {
    if (!this.o.autoConverge || bytesSent === 0) return false;
    if (bytesDirtied * 2 <= bytesSent) { this.highRounds = 0; return false; }
    if (++this.highRounds < 2) return false;
    this.highRounds = 0;
    this.percent = Math.min(99, this.percent === 0 ? this.o.throttleInitial : this.percent + this.o.throttleIncrement);
    return true;
  }

  /** How long the vCPU must sleep after running for `ranMs`. */
  sleepAfter(ranMs: number): number { return this.percent === 0 ? 0 : (ranMs * this.percent) / (100 - this.percent); }
}
