/**
 * A migration policy, QEMU-style: `setup` before anything is sent, then after every round `next`
 * says whether to go on iterating (another pre-copy round), to complete with a stop-and-copy of
 * what is left, or to complete by post-copy; `rate` is the bandwidth for the coming round. One
 * policy per file; the source (../source.ts) does the sending.
 */
import type { MigrationOptions } from '../options.js';

/** What a policy sees after a round (or, with round 0, before the first). */
export interface RoundState {
  /** Rounds done so far. */
  rounds: number;
  /** Guest pages. */
  ramPages: number;
  /** Pages dirty now, to be sent by the next round or the stop. */
  dirtyPages: number;
  /** Pages sent so far (zero pages included), all rounds. */
  pagesSent: number;
  /** Bandwidth the link has shown (bytes/s of wall time; 0 before any round). */
  bandwidth: number;
  options: MigrationOptions;
}

export type Next = 'iterate' | 'stop-and-copy' | 'postcopy';

export interface MigrationPolicy {
  readonly name: string;
  /** Whether the rounds need dirty logging (pre-copy does; stop-and-copy and pure post-copy do not). */
  readonly logsDirtyPages: boolean;
  /** Whether it may resume the guest on the destination before every page is there. */
  readonly mayPostcopy: boolean;
  next(s: RoundState): Next;
  /** Bytes per second for the coming round. */
  rate(s: RoundState): number;
}

/** The bytes still to send, divided by the bandwidth, below the downtime limit: QEMU's switch-over test. */
export function fitsDowntime(s: RoundState): boolean {
  if (s.bandwidth <= 0) return false;
  return (s.dirtyPages * 4096) / s.bandwidth * 1000 <= s.options.downtimeLimitMs;
}
