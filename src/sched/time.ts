/**
 * Virtual host time, in nanoseconds (Xen's s_time_t unit), and its conversions: modelled cycles
 * at the host's nominal clock rate, and the guests' 10 MHz timebase (mtime, the `time` CSR).
 */

/** Nanoseconds per unit. */
export const US = 1_000;
export const MS = 1_000_000;
export const SECOND = 1_000_000_000;

/** The timebase of the machine's CLINT (QEMU virt and vmlab): 10 MHz, so one tick is 100 ns. */
export const TIMEBASE_HZ = 10_000_000;
const NS_PER_TICK = SECOND / TIMEBASE_HZ;

/**
 * The host's default nominal clock: 100 MHz. The core advances mtime by one tick every 10 retired
 * instructions, so at CPI 1 a guest's own clock and the host's virtual clock run at the same
 * rate; Xen's parameters (30 ms slices, 10 ms ticks) then hold 3 M and 1 M instructions, which
 * keeps scenarios short in wall time. A faster clock puts more instructions in each slice and
 * changes nothing else: the cost model's constants are in cycles.
 */
export const DEFAULT_CLOCK_HZ = 100_000_000;

export class Clock {
  constructor(readonly hz: number) {
    if (!Number.isFinite(hz) || hz < TIMEBASE_HZ) throw new RangeError(`clock rate ${hz} Hz must be at least the 10 MHz timebase`);
  }
  /** Nanoseconds that `cycles` modelled cycles take. */
  ns(cycles: number): number { return (cycles * SECOND) / this.hz; }
  /** Modelled cycles in `ns` nanoseconds. */
  cycles(ns: number): number { return (ns * this.hz) / SECOND; }
}

/** Guest time (timebase ticks) at host time `ns`. */
export const ticksAt = (ns: number): bigint => BigInt(Math.floor(ns / NS_PER_TICK));
/** Host time at which guest time reaches `ticks`. */
export const nsAtTicks = (ticks: bigint): number => Number(ticks) * NS_PER_TICK;

/** "12.3 ms"-style text for a duration in ns. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns >= SECOND) return `${(ns / SECOND).toFixed(2)} s`;
  if (ns >= MS) return `${(ns / MS).toFixed(2)} ms`;
  if (ns >= US) return `${(ns / US).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}
