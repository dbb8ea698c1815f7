// Each scheduler on small deterministic scenarios of synthetic vCPUs (CPU hogs and sleepers that
// run no guest code), where the schedule is known to the nanosecond.
import { describe, it, expect } from 'vitest';
import { testHost, Hog, Sleeper, schedule, cpuIn } from '../helpers/sched.js';
import { roundRobin } from '../../src/sched/schedulers/round-robin.js';
import { credit } from '../../src/sched/schedulers/credit.js';
import { bvt } from '../../src/sched/schedulers/bvt.js';
import { sedf } from '../../src/sched/schedulers/sedf.js';
import { arinc653, validateSchedule } from '../../src/sched/schedulers/arinc653.js';
import { distribution } from '../../src/sched/metrics.js';
import { ScenarioError } from '../../src/sched/params.js';

const MS = 1e6;
const hogs = (...names: string[]) => names.map((name) => ({ name, body: new Hog() }));

describe('round robin', () => {
  it('runs every vCPU in turn for its 10 ms slice', () => {
    const h = testHost(roundRobin, hogs('a', 'b', 'c'));
    h.run(65 * MS);
    expect(schedule(h)).toEqual([
      'a 0.000-10.000', 'b 10.000-20.000', 'c 20.000-30.000', 'a 30.000-40.000', 'b 40.000-50.000', 'c 50.000-60.000', 'a 60.000-65.000']);
  });

  it('puts a waking vCPU at the head of the queue, without preempting', () => {
    const h = testHost(roundRobin, [...hogs('a', 'b'), { name: 's', body: new Sleeper(1 * MS, 4 * MS, 2) }], { hostParams: { sliceMs: 5 } });
    h.run(40 * MS);
    // s runs 1 ms at 10 ms, wakes at 15 ms while a runs, and runs next (before b, which waited longer).
    expect(schedule(h).slice(0, 6)).toEqual(['a 0.000-5.000', 'b 5.000-10.000', 's 10.000-11.000', 'a 11.000-16.000', 's 16.000-17.000', 'b 17.000-22.000']);
  });
});

describe('credit', () => {
  it('gives weights 512:256 shares of 2:1', () => {
    const h = testHost(credit, [{ name: 'a', body: new Hog(), params: { weight: 512 } }, { name: 'b', body: new Hog(), params: { weight: 256 } }]);
    h.run(3000 * MS);
    const [a, b] = cpuIn(h, 0, 3000 * MS).map((x) => x / (3000 * MS));
    expect(a).toBeGreaterThan((2 / 3) * 0.97);
    expect(b).toBeLessThan((1 / 3) * 1.03);
    expect(a + b).toBeCloseTo(1, 6);
  });

  it('holds a cap of 25% on an otherwise idle pCPU', () => {
    const h = testHost(credit, [{ name: 'a', body: new Hog(), params: { cap: 25 } }]);
    h.run(3000 * MS);
    const share = cpuIn(h, 0, 3000 * MS)[0] / (3000 * MS);
    expect(share).toBeLessThanOrEqual(0.26);
    expect(share).toBeGreaterThan(0.24);
    expect(h.pcpus[0].idleNs).toBeGreaterThan(0.7 * 3000 * MS);
  });

  it('balances three CPU hogs across two pCPUs (each gets two thirds of one)', () => {
    const h = testHost(credit, hogs('a', 'b', 'c'), { pcpus: 2 });
    h.run(3000 * MS);
    for (const s of cpuIn(h, 0, 3000 * MS)) expect(s / (3000 * MS)).toBeCloseTo(2 / 3, 1);
    expect(h.pcpus.every((p) => p.busyNs > 0.99 * 3000 * MS)).toBe(true);
  });

  it('lets a BOOSTed waking vCPU preempt a CPU hog; without BOOST it waits for slices', () => {
    const latency = (boost: boolean) => {
      const h = testHost(credit, [...hogs('a', 'b'), { name: 's', body: new Sleeper(0.2 * MS, 2 * MS) }], { hostParams: { boost }, switchNs: 20_000 });
      h.run(2000 * MS);
      return distribution(h.vcpus[2].record.wakeLatencies);
    };
    const on = latency(true), off = latency(false);
    expect(on.p90).toBe(20_000); // just the switch
    expect(off.p50).toBeGreaterThan(30 * MS); // behind at least one 30 ms slice
  });
});

describe('BVT', () => {
  it('gives a warped, low-weight sleeper low wake-up latency', () => {
    // 9 bursts of 0.5 ms 2 ms apart, then 100 ms asleep: within its weight in the long run, ahead of it in a train.
    const train = [...Array(9).fill(2 * MS), 100 * MS];
    const latency = (warp: boolean) => {
      const h = testHost(bvt, [{ name: 'hog', body: new Hog() }, { name: 's', body: new Sleeper(0.5 * MS, train), params: { mcuAdvance: 100, warp, warpValue: 5000 } }], { switchNs: 20_000 });
      h.run(1000 * MS);
      return distribution(h.vcpus[1].record.wakeLatencies);
    };
    const warped = latency(true), plain = latency(false);
    expect(warped.max).toBe(20_000);
    expect(plain.mean).toBeGreaterThan(1 * MS);
  });

  it('shares in inverse proportion to mcu_advance', () => {
    const h = testHost(bvt, [{ name: 'a', body: new Hog(), params: { mcuAdvance: 10 } }, { name: 'b', body: new Hog(), params: { mcuAdvance: 30 } }]);
    h.run(2000 * MS);
    const [a] = cpuIn(h, 0, 2000 * MS).map((x) => x / (2000 * MS));
    expect(a).toBeCloseTo(0.75, 2);
  });
});

describe('sEDF', () => {
  it('gives each VM exactly its slice in every period', () => {
    const h = testHost(sedf, [
      { name: 'a', body: new Hog(), params: { periodMs: 10, sliceMs: 3, extratime: false } },
      { name: 'b', body: new Hog(), params: { periodMs: 20, sliceMs: 6, extratime: false } },
    ]);
    h.run(203 * MS);
    // Xen sets the first deadline to now + slice, so a's periods start at 3 ms and b's at 6 ms.
    for (let t = 3 * MS; t + 10 * MS <= 203 * MS; t += 10 * MS) expect(cpuIn(h, t, t + 10 * MS)[0]).toBe(3 * MS);
    for (let t = 6 * MS; t + 20 * MS <= 203 * MS; t += 20 * MS) expect(cpuIn(h, t, t + 20 * MS)[1]).toBe(6 * MS);
    expect(schedule(h).slice(0, 3)).toEqual(['a 3.000-6.000', 'b 6.000-12.000', 'a 13.000-16.000']);
  });

  it('hands the unreserved time to an extratime-aware VM', () => {
    const h = testHost(sedf, [
      { name: 'a', body: new Hog(), params: { periodMs: 10, sliceMs: 3, extratime: false } },
      { name: 'b', body: new Hog(), params: { periodMs: 10, sliceMs: 2, extratime: true } },
    ]);
    h.run(500 * MS);
    const [a, b] = cpuIn(h, 20 * MS, 500 * MS).map((x) => x / (480 * MS));
    expect(a).toBeCloseTo(0.3, 3);
    expect(b).toBeCloseTo(0.7, 2);
  });

  it('refuses a slice longer than its period', () => {
    expect(() => sedf.checkVm!({ periodMs: 10, sliceMs: 11, extratime: true, latencyMs: 0, extraweight: 1 }, 'vms[0].sched')).toThrow(/vms\[0\]\.sched\.sliceMs/);
  });
});

describe('ARINC 653', () => {
  const table = (frames: [string, number][], majorFrameMs: number) => ({ schedule: { majorFrameMs, frames: frames.map(([vm, runtimeMs]) => ({ vm, runtimeMs })) } });

  it('runs exactly its table, idle after the last minor frame', () => {
    const h = testHost(arinc653, hogs('a', 'b', 'c'), { raw: table([['a', 5], ['b', 3], ['c', 2]], 12) });
    h.run(30 * MS);
    expect(schedule(h)).toEqual(['a 0.000-5.000', 'b 5.000-8.000', 'c 8.000-10.000', 'a 12.000-17.000', 'b 17.000-20.000', 'c 20.000-22.000', 'a 24.000-29.000', 'b 29.000-30.000']);
  });

  it('leaves the pCPU idle through the minor frame of a blocked VM', () => {
    const h = testHost(arinc653, [{ name: 'a', body: new Sleeper(1 * MS, 20 * MS) }, ...hogs('b')], { raw: table([['a', 4], ['b', 4]], 8) });
    h.run(16 * MS);
    expect(schedule(h)).toEqual(['a 0.000-1.000', 'b 4.000-8.000', 'b 12.000-16.000']);
  });

  it('refuses what Xen refuses', () => {
    const bad: [string, { majorFrame: number; entries: { vm: string; runtime: number }[] }][] = [
      ['major frame', { majorFrame: 0, entries: [{ vm: 'a', runtime: 1 }] }],
      ['1 to 64 entries', { majorFrame: 10, entries: [] }],
      ['1 to 64 entries', { majorFrame: 1e9, entries: Array.from({ length: 65 }, () => ({ vm: 'a', runtime: 1 })) }],
      ['run time', { majorFrame: 10, entries: [{ vm: 'a', runtime: 0 }] }],
      ['do not fit', { majorFrame: 10 * MS, entries: [{ vm: 'a', runtime: 6 * MS }, { vm: 'b', runtime: 5 * MS }] }],
    ];
    for (const [why, s] of bad) expect(validateSchedule(s)).toMatch(why);
    expect(validateSchedule({ majorFrame: 10 * MS, entries: [{ vm: 'a', runtime: 6 * MS }, { vm: 'b', runtime: 4 * MS }] })).toBeUndefined();
    expect(() => testHost(arinc653, hogs('a'), { raw: table([['a', 6], ['a', 5]], 10) })).toThrow(ScenarioError);
    expect(() => testHost(arinc653, hogs('a'), { raw: table([['x', 5]], 10) })).toThrow(/frames\[0\]\.vm: "x" is not one of the VMs/);
  });
});
