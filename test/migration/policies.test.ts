// The policies' decisions and the knobs, from the numbers they see: pre-copy switches over when
// the bytes left over the measured bandwidth fall below the downtime limit; Xen's preset rises
// from 100 Mbit/s by 50 per round to 500 and stops after 30 rounds, under 50 dirty pages, or at 3x
// RAM sent; the hybrid goes to post-copy after its rounds; auto-converge throttles 20%, then +10%
// per step, after two rounds dirtying more than half of what was sent; bad knobs are refused.
import { describe, it, expect } from 'vitest';
import { POLICY, type RoundState } from '../../src/migration/policies/index.js';
import { migrationOptions, OptionError } from '../../src/migration/options.js';
import { Throttle } from '../../src/migration/auto-converge.js';

const state = (s: Partial<RoundState>): RoundState => ({ rounds: 1, ramPages: 32768, dirtyPages: 1000, pagesSent: 32768, bandwidth: 0, options: migrationOptions(), ...s });
const MBIT = 1e6 / 8;

describe('migration policies', () => {
  it('pre-copy: a first round always; then stop-and-copy once what is left fits the downtime limit', () => {
    expect(POLICY.precopy.next(state({ rounds: 0 }))).toBe('iterate');
    // 1000 pages = 4,096,000 bytes; at 128 MiB/s that is 29 ms < 300 ms
    expect(POLICY.precopy.next(state({ bandwidth: 128 * 2 ** 20 }))).toBe('stop-and-copy');
    // at 10 MB/s, 410 ms > 300 ms
    expect(POLICY.precopy.next(state({ bandwidth: 10e6 }))).toBe('iterate');
    expect(POLICY.precopy.next(state({ bandwidth: 10e6, options: migrationOptions({ downtimeLimitMs: 500 }) }))).toBe('stop-and-copy');
    expect(POLICY.precopy.next(state({ bandwidth: 10e6, rounds: 5, options: migrationOptions({ maxRounds: 5 }) }))).toBe('stop-and-copy');
  });

  it('Xen: 100 Mbit/s, +50 per round, at most 500; stops at 30 rounds, under 50 dirty pages, or 3x RAM sent', () => {
    expect([0, 1, 2, 8, 9, 20].map((r) => POLICY.xen.rate(state({ rounds: r })) / MBIT)).toEqual([100, 150, 200, 500, 500, 500]);
    expect(POLICY.xen.next(state({ rounds: 0 }))).toBe('iterate');
    expect(POLICY.xen.next(state({ rounds: 29 }))).toBe('iterate');
    expect(POLICY.xen.next(state({ rounds: 30 }))).toBe('stop-and-copy');
    expect(POLICY.xen.next(state({ dirtyPages: 50 }))).toBe('iterate');
    expect(POLICY.xen.next(state({ dirtyPages: 49 }))).toBe('stop-and-copy');
    expect(POLICY.xen.next(state({ pagesSent: 3 * 32768 - 1 }))).toBe('iterate');
    expect(POLICY.xen.next(state({ pagesSent: 3 * 32768 }))).toBe('stop-and-copy');
  });

  it('stop-and-copy and post-copy stop at once; the hybrid after hybridRounds pre-copy rounds', () => {
    expect(POLICY['stop-and-copy'].next(state({ rounds: 0 }))).toBe('stop-and-copy');
    expect(POLICY.postcopy.next(state({ rounds: 0 }))).toBe('postcopy');
    const o = migrationOptions({ hybridRounds: 2 });
    expect(POLICY.hybrid.next(state({ rounds: 0, options: o }))).toBe('iterate');
    expect(POLICY.hybrid.next(state({ rounds: 1, bandwidth: 1e6, options: o }))).toBe('iterate');
    expect(POLICY.hybrid.next(state({ rounds: 2, bandwidth: 1e6, options: o }))).toBe('postcopy');
    expect(POLICY.hybrid.next(state({ rounds: 1, bandwidth: 1e9, options: o }))).toBe('stop-and-copy'); // converged first
  });

  it('auto-converge: 20%, then +10% per step, each after two rounds that dirtied over half of what they sent', () => {
    const t = new Throttle(migrationOptions({ autoConverge: true }));
    const steps: number[] = [];
    for (let i = 0; i < 8; i++) { t.afterRound(600, 1000); steps.push(t.percent); }
    expect(steps).toEqual([0, 20, 20, 30, 30, 40, 40, 50]);
    t.afterRound(100, 1000); // converging: the count starts over
    t.afterRound(600, 1000);
    expect(t.percent).toBe(50);
    expect(t.sleepAfter(10)).toBe(10); // 50%: as long asleep as it ran
    const off = new Throttle(migrationOptions());
    off.afterRound(900, 1000); off.afterRound(900, 1000);
    expect(off.percent).toBe(0);
  });

  it('refuses bad knobs with a message naming them', () => {
    expect(() => migrationOptions({ downtimeLimitMs: 0 })).toThrow(OptionError);
    expect(() => migrationOptions({ downtimeLimitMs: -1 })).toThrow(/downtimeLimitMs must be a positive number/);
    expect(() => migrationOptions({ maxBandwidth: Number.NaN })).toThrow(/maxBandwidth/);
    expect(() => migrationOptions({ policy: 'teleport' as never })).toThrow(/unknown policy "teleport"/);
    expect(() => migrationOptions({ throttleInitial: 100 })).toThrow(/throttleInitial/);
    expect(migrationOptions({ downtimeLimitMs: undefined }).downtimeLimitMs).toBe(300);
    expect(migrationOptions().maxBandwidth).toBe(128 * 2 ** 20);
  });
});
