/**
 * The cost model that turns what a run did into modelled cycles:
 *   cycles = instructions × CPI + walk references × memory-reference cost + TLB flushes × flush cost
 *          + Σ exits of each kind × that kind's exit cost + the VMM's emulation work
 *            (emulated instructions, shadow PTE updates, guest PTEs read by its software walker,
 *            traps reflected into the guest).
 * Every constant has a documented default and can be overridden (a JSON file, or key=value).
 */

export interface CostModel {
  /** Cycles per guest instruction. */
  cpi: number;
  /** Cycles per page-table reference of the hardware walker (bench/walk uses the same figure). */
  memRef: number;
  /** Cycles per TLB flush (the refills are counted as walks). */
  tlbFlush: number;
  /** Cycles per exit to the VMM, by exit kind (`default` for kinds not listed). */
  exit: Record<string, number>;
  /** VMM cycles to decode and emulate one guest instruction. */
  emulate: number;
  /** VMM cycles per shadow PTE written or dropped. */
  shadowUpdate: number;
  /** VMM cycles per guest PTE its software walker reads. */
  guestWalkRef: number;
  /** VMM cycles to reflect a trap into the guest kernel (build its trap frame in virtual CSRs). */
  reflect: number;
  /** Hypervisor cycles per guest PTE it validates and writes for a PV guest's mmu_update. */
  validatePte: number;
}

/**
 * Defaults and where they come from. The seed (Adams & Agesen, ASPLOS 2006, measured on a Pentium 4)
 * gives: a native system call ~200 cycles and a VMM adding ~2,000 to it; a trap-and-emulate round
 * trip ~2,000 cycles; a callout ~1,250; emulation inside the translation cache ~216. A hardware
 * VM exit/entry round trip of that generation is of the same order, so every exit kind costs the
 * round trip; the emulation work on top is a few hundred cycles per unit, and a page-walk reference
 * that misses the caches ~100 cycles of DRAM. A PV hypervisor's mmu_update does per entry what a
 * shadow update does (read the entry, check the frame it names, write it), so it is priced the same.
 */
export const DEFAULT_COST: CostModel = {
  cpi: 1,
  memRef: 100,
  tlbFlush: 50,
  exit: { default: 2000 },
  emulate: 216,
  shadowUpdate: 100,
  guestWalkRef: 100,
  reflect: 300,
  validatePte: 100,
};

/** What a run did, in the units the model prices. */
export interface RunCounts {
  instructions: number;
  walkRefs: number;
  tlbFlushes: number;
  exits: Record<string, number>;
  emulated: number;
  shadowUpdates: number;
  guestWalkRefs: number;
  reflected: number;
  /** PTEs a PV hypervisor validated (0 for the other strategies). */
  validatedPtes?: number;
}

export interface CycleBreakdown {
  total: number;
  instructions: number;
  walks: number;
  flushes: number;
  exits: number;
  vmm: number;
}

export function modelledCycles(c: RunCounts, m: CostModel): CycleBreakdown {
  const instructions = c.instructions * m.cpi;
  const walks = c.walkRefs * m.memRef;
  const flushes = c.tlbFlushes * m.tlbFlush;
  let exits = 0;
  for (const [kind, n] of Object.entries(c.exits)) exits += n * (m.exit[kind] ?? m.exit.default ?? 0);
  const vmm = c.emulated * m.emulate + c.shadowUpdates * m.shadowUpdate + c.guestWalkRefs * m.guestWalkRef + c.reflected * m.reflect
    + (c.validatedPtes ?? 0) * m.validatePte;
  return { total: instructions + walks + flushes + exits + vmm, instructions, walks, flushes, exits, vmm };
}

export class CostError extends Error {}

/**
 * Applies overrides to a model: an object of the model's shape (from a JSON file; `exit` merges
 * per kind), or `key=value` strings (`memRef=40`, `exit.sbi=1500`). Unknown keys and non-numbers
 * are refused with a message.
 */
export function withOverrides(base: CostModel, overrides: unknown): CostModel {
  const out: CostModel = { ...base, exit: { ...base.exit } };
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new CostError('cost overrides must be a JSON object');
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (key === 'exit') {
      if (typeof value !== 'object' || value === null) throw new CostError('"exit" must be an object of exit kind -> cycles');
      for (const [kind, n] of Object.entries(value as Record<string, unknown>)) out.exit[kind] = number(`exit.${kind}`, n);
    } else if (key in base && key !== 'exit') {
      (out as unknown as Record<string, number>)[key] = number(key, value);
    } else throw new CostError(`unknown cost "${key}" (known: ${Object.keys(base).join(', ')})`);
  }
  return out;
}

/** `key=value` (with `exit.<kind>=n`) into an override object. */
export function parseAssignment(text: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  const m = /^([\w.-]+)=(.+)$/.exec(text.trim());
  if (!m) throw new CostError(`"${text}" is not key=value`);
  const [, key, value] = m;
  if (key.startsWith('exit.')) {
    const exit = (into.exit as Record<string, unknown>) ?? {};
    exit[key.slice(5)] = Number(value);
    into.exit = exit;
  } else into[key] = Number(value);
  return into;
}

function number(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new CostError(`cost "${key}" must be a non-negative number, not ${JSON.stringify(v)}`);
  return v;
}
