/**
 * What a run did, in the units the cost model prices, read from the machine's counters and the
 * VM's stats (the VMM's share of the work). Cumulative: the difference of two readings is what
 * happened in between.
 */
import type { RunCounts } from './model.js';

/** The VMM's counters of one VM (src/vmm's VmStats has these). */
export interface VmmWork {
  readonly exits: ReadonlyMap<string, number>;
  readonly emulated: number;
  readonly shadowUpdates: number;
  readonly guestWalkRefs: number;
  readonly reflected: number;
  /** Guest instructions translated (binary translation), when the strategy translates. */
  readonly translated?: number;
  /** PTEs a PV hypervisor validated (absent for the other strategies). */
  readonly validatedPtes?: number;
}

const FLUSH_COUNTERS = ['tlbFlushAll', 'tlbFlushAsid', 'tlbFlushPage', 'tlbFlushVvma', 'tlbFlushGvma', 'tlbFlushSwitch', 'tlbFlushRecycle'];

/** A counter's total (per-mode and per-type counters are summed). */
export const total = (v: bigint | bigint[] | undefined): number => (v === undefined ? 0 : Number(Array.isArray(v) ? v.reduce((a, b) => a + b, 0n) : v));

/** The counts of a run: the hart's `counters` (Machine.counters()) and, under a VMM, the VM's stats. */
export function readCounts(counters: Record<string, bigint | bigint[]>, vmm?: VmmWork): RunCounts {
  return {
    instructions: total(counters.instret),
    walkRefs: total(counters.walkRefs),
    tlbFlushes: FLUSH_COUNTERS.reduce((a, k) => a + total(counters[k]), 0),
    exits: vmm ? Object.fromEntries(vmm.exits) : {},
    emulated: vmm?.emulated ?? 0,
    shadowUpdates: vmm?.shadowUpdates ?? 0,
    guestWalkRefs: vmm?.guestWalkRefs ?? 0,
    reflected: vmm?.reflected ?? 0,
    translated: vmm?.translated ?? 0,
    validatedPtes: vmm?.validatedPtes ?? 0,
  };
}
