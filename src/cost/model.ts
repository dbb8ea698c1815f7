/**
 * The cost model that turns what a run did into modelled cycles:
 *   cycles = instructions × CPI + walk references × memory-reference cost + TLB flushes × flush cost
 *          + Σ exits of each kind × that kind's exit cost + the VMM's emulation work
 *            (emulated instructions, shadow PTE updates, guest PTEs read by its software walker,
 *            traps reflected into the guest, guest instructions translated).
 * Every constant has a documented default and can be overridden (a JSON file, or key=value).
 */

/** The constants of the cost model, in cycles. */
export interface CostModel {
  /** Cycles per guest instruction. */
  cpi: number;
  /** Cycles per page-table reference of the hardware walker (bench/walk uses the same figure). */
  memRef: number;
  /** Cycles per TLB flush (the refills are counted as walks). */
  tlbFlush: number;
  /**
   * Cycles per exit to the VMM, by exit kind; a kind `a:b` not listed costs what `a` does (every
   * `callout:<kind>` of binary translation costs `callout`), any other kind `default`.
   */
  exit: Record<string, number>;
  /** VMM cycles to decode and emulate one guest instruction. */
  emulate: number;
  /** VMM cycles per shadow PTE written or dropped. */
  shadowUpdate: number;
  /** VMM cycles per guest PTE its software walker reads. */
  guestWalkRef: number;
  /** VMM cycles to reflect a trap into the guest kernel (build its trap frame in virtual CSRs). */
  reflect: number;
  /** VMM cycles to translate one guest instruction (binary translation: decode it once, emit its translation). */
  translate: number;
  /** Hypervisor cycles per guest PTE it validates and writes for a PV guest's mmu_update. */
  validatePte: number;
}

/**
 * Defaults and where they come from. The seed (Adams & Agesen, ASPLOS 2006, measured on a Pentium 4)
 * gives: a native system call ~200 cycles and a VMM adding ~2,000 to it; for `rdtsc`, a
 * trap-and-emulate round trip of 2,030 cycles, a callout-and-emulate of 1,254, and emulation inside
 * the translation cache of 216. A hardware VM exit/entry round trip of that generation is of the
 * same order, so every exit kind costs the trap-and-emulate round trip, except binary
 * translation's callouts (`callout:*`), which cost the callout; the emulation work on top is a few
 * hundred cycles per unit, and a page-walk reference that misses the caches ~100 cycles of DRAM.
 * In-TC emulation has no constant: translated code is guest instructions, priced by `cpi` as the
 * instructions it actually executes. The seed gives no translation cost; translating an
 * instruction decodes it once and emits its translation, the work of decoding and emulating it,
 * so `translate` is priced like `emulate`. Translation happens once per unit, so the steady-state
 * figures hardly depend on it.
 * A PV hypervisor's mmu_update does per entry what a shadow update does (read the entry, check the
 * frame it names, write it), so it is priced the same.
 */
export const DEFAULT_COST: CostModel = {
  cpi: 1,
  memRef: 100,
  tlbFlush: 50,
  exit: { default: 2030, callout: 1254 },
  emulate: 216,
  shadowUpdate: 100,
  guestWalkRef: 100,
  reflect: 300,
  translate: 216,
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
  /** Guest instructions translated (binary translation). */
  translated: number;
  /** PTEs a PV hypervisor validated (0 for the other strategies). */
  validatedPtes?: number;
}

/** Modelled cycles of a run, in total and by what they were spent on. */
export interface CycleBreakdown {
  total: number;
  instructions: number;
  walks: number;
  flushes: number;
  exits: number;
  vmm: number;
}

/** Prices what a run did with a cost model. */
export function modelledCycles(c: RunCounts, m: CostModel): CycleBreakdown {
  const instructions = c.instructions * m.cpi;
  const walks = c.walkRefs * m.memRef;
  const flushes = c.tlbFlushes * m.tlbFlush;
  let exits = 0;
  for (const [kind, n] of Object.entries(c.exits)) exits += n * exitCost(m, kind);
  const vmm = c.emulated * m.emulate + c.shadowUpdates * m.shadowUpdate + c.guestWalkRefs * m.guestWalkRef + c.reflected * m.reflect
    + (c.translated ?? 0) * m.translate + (c.validatedPtes ?? 0) * m.validatePte;
  return { total: instructions + walks + flushes + exits + vmm, instructions, walks, flushes, exits, vmm };
}

/** What one exit of `kind` costs: its own price, its family's (`callout` for `callout:sret`), or the default. */
export function exitCost(m: CostModel, kind: string): number {
  return m.exit[kind] ?? m.exit[kind.split(':')[0]] ?? m.exit.default ?? 0;
}

/** A bad cost override (unknown key, not a non-negative number). */
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
