// Real minios guests on one host: the Credit fairness bar, BOOST for a latency-sensitive VM, and
// every VM's output identical to its solo run whatever the scheduler did to its timing.
import { describe, it, expect } from 'vitest';
import { readScenario } from '../../src/sched/scenario.js';
import { buildHost, scenarioImage } from '../../src/sched/build.js';
import { measure } from '../../src/sched/metrics.js';
import { runSolo } from '../../src/sched/solo.js';

async function run(raw: unknown) {
  const s = readScenario(raw);
  const b = await buildHost(s);
  await b.host.runInSteps(s.durationNs);
  return { ...b, metrics: measure(b.host, b.scheduler) };
}

describe('Credit on real guests', () => {
  it('gives three CPU-bound VMs of weights 1:2:4 shares within 5% of 1/7 : 2/7 : 4/7, Jain ≥ 0.99', async () => {
    const { metrics } = await run({
      durationMs: 10_000,
      vms: [1, 2, 4].map((w) => ({ name: `w${w}`, bootargs: 'compute=1000000000', sched: { weight: 256 * w } })),
    });
    for (const [i, w] of [1, 2, 4].entries()) {
      expect(metrics.vms[i].finishedNs).toBeUndefined(); // CPU-bound all along
      expect(Math.abs(metrics.vms[i].share / (w / 7) - 1)).toBeLessThan(0.05);
    }
    expect(metrics.jain).toBeGreaterThanOrEqual(0.99);
    expect(metrics.busy).toBeGreaterThan(0.99);
  }, 120_000);

  it('serves the I/O VM beside them sooner with BOOST than without (its requests go to dom0 on the same pCPU)', async () => {
    const io = async (boost: boolean) => {
      const { metrics } = await run({
        durationMs: 1500,
        scheduler: { name: 'credit', params: { boost } },
        dom0: {},
        vms: [...[1, 2, 4].map((w) => ({ name: `w${w}`, bootargs: 'compute=1000000000', sched: { weight: 256 * w } })), { name: 'io', bootargs: 'echo=100000' }],
      });
      const v = metrics.vms.find((x) => x.name === 'io')!;
      expect(metrics.vms[0].name).toBe('dom0');
      expect(v.io!.dom0Ns).toBeGreaterThan(0); // dom0's CPU time, charged to dom0, recorded for its client
      return v.io!;
    };
    const on = await io(true), off = await io(false);
    expect(on.latency.p50).toBeLessThan(off.latency.p50 / 10);
    expect(on.latency.mean).toBeLessThan(off.latency.mean / 2);
    expect(on.requests).toBeGreaterThan(off.requests); // the I/O VM itself gets through more of its loop
  }, 120_000);
});

describe('every VM\'s output equals its solo run', () => {
  const vms = [
    { name: 'nested', strategy: 'hw-nested', bootargs: 'compute=2000000 getppid=2000 sleep=20' },
    { name: 'trap', strategy: 'trap-emulate', bootargs: 'fork=5 sleep=10 tick=20000' },
    { name: 'shadow', strategy: 'hw-shadow', bootargs: 'tlb=20000 sleep=10 compute=500000' },
  ];
  for (const [scheduler, pcpus] of [['credit', 2], ['sedf', 1]] as const) {
    it(`under ${scheduler} on ${pcpus} pCPU${pcpus > 1 ? 's' : ''}`, async () => {
      const { guests, host, scenario } = await run({ pcpus, scheduler, vms });
      const image = scenarioImage(scenario);
      for (const [i, g] of guests.entries()) {
        expect(host.vcpus[i].record.outcome).toBe('halt 0');
        const solo = await runSolo(g.spec, image);
        expect(g.vm.console).toBe(solo.output);
        expect(g.vm.console).toMatch(/minios: halt/);
      }
    }, 120_000);
  }
});
