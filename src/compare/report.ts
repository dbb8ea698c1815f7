/**
 * Turning runs into the comparison: each run priced by the cost model and set against the native
 * run of the same workload, with the columns that explain the difference.
 */
import { modelledCycles, type CostModel, type CycleBreakdown } from '../cost/model.js';
import type { RunResult } from './run.js';

/** One line of a comparison: a run priced and set against native. */
export interface Row {
  workload: string;
  strategy: string;
  outcome: string;
  /** The benchmark's own output line (checksum). */
  result: string;
  /** Same output as the native run. */
  matchesNative: boolean;
  cycles: CycleBreakdown;
  /** Native modelled cycles / these cycles: 1 = as fast as native. */
  relativeToNative: number;
  /** Wall time / native wall time (the emulator's own cost of the technique). */
  wallRatio: number;
  instructions: number;
  exits: Record<string, number>;
  totalExits: number;
  ptWrites: number;
  tlbMissRate: number;
  refsPerMiss: number;
  wallMs: number;
}

/** The line a minios benchmark prints: `<name> n=<count> checksum=<value>`. */
export function resultLine(output: string, workload: string): string {
  return output.split('\n').find((l) => l.startsWith(`${workload} n=`)) ?? '';
}

/** Prices every run and sets each against the native run of its workload. */
export function buildRows(runs: RunResult[], cost: CostModel): Row[] {
  const natives = new Map(runs.filter((r) => r.strategy === 'native').map((r) => [r.workload, r]));
  return runs.map((r) => {
    const cycles = modelledCycles(r.counts, cost);
    const native = natives.get(r.workload);
    const nativeCycles = native ? modelledCycles(native.counts, cost).total : NaN;
    const totalExits = Object.values(r.counts.exits).reduce((a, b) => a + b, 0);
    return {
      workload: r.workload,
      strategy: r.strategy,
      outcome: r.outcome,
      result: resultLine(r.output, r.workload),
      matchesNative: native ? resultLine(native.output, r.workload) === resultLine(r.output, r.workload) && r.outcome === native.outcome : true,
      cycles,
      relativeToNative: nativeCycles / cycles.total,
      wallRatio: native ? r.wallMs / native.wallMs : NaN,
      instructions: r.counts.instructions,
      exits: r.counts.exits,
      totalExits,
      ptWrites: r.ptWrites,
      tlbMissRate: r.tlb.misses / Math.max(1, r.tlb.hits + r.tlb.misses),
      refsPerMiss: r.walks === 0 ? 0 : r.counts.walkRefs / r.walks,
      wallMs: r.wallMs,
    };
  });
}

/** "csr 186k, sret 21k, …": the largest exit kinds. */
export function topExits(exits: Record<string, number>, n = 3): string {
  const parts = Object.entries(exits).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${compact(v)}`);
  return parts.length ? parts.join(', ') : '—';
}

/** 12345678 -> 12.3M, 45678 -> 46k. */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}
