// The cost model's arithmetic and its overrides (JSON object or key=value), with bad input refused.
import { describe, it, expect } from 'vitest';
import { DEFAULT_COST, modelledCycles, withOverrides, parseAssignment, CostError, type RunCounts } from '../../src/cost/model.js';

const COUNTS: RunCounts = {
  instructions: 1000, walkRefs: 30, tlbFlushes: 2, exits: { csr: 3, sbi: 1 },
  emulated: 3, shadowUpdates: 4, guestWalkRefs: 6, reflected: 1, translated: 10,
};

describe('modelled cycles', () => {
  it('adds every term at its price', () => {
    const c = modelledCycles(COUNTS, DEFAULT_COST);
    expect(c.instructions).toBe(1000);
    expect(c.walks).toBe(30 * 100);
    expect(c.flushes).toBe(2 * 50);
    expect(c.exits).toBe(4 * 2030);
    expect(c.vmm).toBe(3 * 216 + 4 * 100 + 6 * 100 + 300 + 10 * 216);
    expect(c.total).toBe(1000 + 3000 + 100 + 8120 + 648 + 400 + 600 + 300 + 2160);
  });
  it('prices binary translation\'s callouts at the seed\'s callout, 1,254 cycles, unless a kind has its own price', () => {
    const counts = { ...COUNTS, exits: { 'callout:sret': 2, 'callout:chain': 1, syscall: 1 } };
    expect(modelledCycles(counts, DEFAULT_COST).exits).toBe(3 * 1254 + 2030);
    expect(modelledCycles(counts, withOverrides(DEFAULT_COST, { exit: { 'callout:chain': 0 } })).exits).toBe(2 * 1254 + 2030);
  });
  it('prices an exit kind of its own over the default', () => {
    const m = withOverrides(DEFAULT_COST, { exit: { sbi: 500 } });
    expect(modelledCycles(COUNTS, m).exits).toBe(3 * 2030 + 500);
    expect(DEFAULT_COST.exit.sbi).toBeUndefined(); // the defaults are not modified
  });
});

describe('overrides', () => {
  it('key=value assignments, including exit kinds', () => {
    const o = ['memRef=40', 'exit.csr=1500', 'cpi=0.8'].reduce((acc, a) => parseAssignment(a, acc), {} as Record<string, unknown>);
    const m = withOverrides(DEFAULT_COST, o);
    expect([m.memRef, m.exit.csr, m.exit.default, m.cpi]).toEqual([40, 1500, 2030, 0.8]);
  });
  it('refuses unknown keys, negative or non-numeric values, and malformed assignments', () => {
    expect(() => withOverrides(DEFAULT_COST, { memref: 1 })).toThrow(/unknown cost "memref"/);
    expect(() => withOverrides(DEFAULT_COST, { memRef: -1 })).toThrow(CostError);
    expect(() => withOverrides(DEFAULT_COST, { exit: { csr: 'fast' } })).toThrow(/exit.csr/);
    expect(() => withOverrides(DEFAULT_COST, [1])).toThrow(/JSON object/);
    expect(() => withOverrides(DEFAULT_COST, parseAssignment('memRef=abc'))).toThrow(/non-negative number/);
    expect(() => parseAssignment('memRef')).toThrow(/key=value/);
  });
});
