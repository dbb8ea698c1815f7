// Jain's index, percentiles and entitlements on inputs whose answers are known.
import { describe, it, expect } from 'vitest';
import { jain, percentile, distribution } from '../../src/sched/metrics.js';
import { waterFill } from '../../src/sched/entitlement.js';

describe("Jain's fairness index", () => {
  it('is 1 for equal shares, 1/n when one VM has everything, and (Σx)²/(nΣx²) between', () => {
    expect(jain([0.5, 0.5, 0.5, 0.5])).toBe(1);
    expect(jain([1, 0, 0, 0])).toBe(0.25);
    expect(jain([1, 2, 3])).toBeCloseTo(36 / 42, 12);
    expect(jain([2, 2, 4])).toBeCloseTo(64 / 72, 12);
    expect(jain([])).toBeNaN();
    expect(jain([0, 0])).toBeNaN();
  });
});

describe('percentiles (nearest rank)', () => {
  it('picks the value at the rank', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(distribution([1, 3])).toMatchObject({ count: 2, mean: 2, max: 3, stddev: 1 });
  });
});

describe('entitlements (water filling)', () => {
  it('divides in proportion to weight, a cap giving its unused part to the others', () => {
    const share = (claims: [number, number][], capacity: number) =>
      [...waterFill(claims.map(([weight, limit], id) => ({ id, weight, limit })), capacity).values()];
    expect(share([[1, 1], [2, 1], [4, 1]], 1)).toEqual([1 / 7, 2 / 7, 4 / 7]);
    expect(share([[1, 0.1], [1, 1]], 1)).toEqual([0.1, 0.9]);
    expect(share([[1, 1], [1, 1], [1, 1]], 2).map((x) => x.toFixed(6))).toEqual(['0.666667', '0.666667', '0.666667']);
    expect(share([[1, 1], [1, 1]], 4)).toEqual([1, 1]); // one vCPU uses one pCPU at most
  });
});
