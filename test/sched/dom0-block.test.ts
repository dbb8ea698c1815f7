// A pv VM's block I/O served by the driver domain: its blkfront notifications are jobs queued to
// dom0, done when dom0's vCPU runs (priced by the cost model, charged to dom0, recorded for the VM),
// the guest blocked in SCHEDOP_block until the response's event wakes it. Its output is its solo
// run's; under Credit, BOOST shortens its I/O latency.
import { describe, it, expect } from 'vitest';
import { readScenario } from '../../src/sched/scenario.js';
import { buildHost, vmImage } from '../../src/sched/build.js';
import { runSolo } from '../../src/sched/solo.js';
import { PvStrategy } from '../../src/pv/strategy.js';
import { DEFAULT_COST } from '../../src/cost/model.js';

const READS = 60;
const scenario = (boost: boolean) => readScenario({
  pcpus: 1, durationMs: 1200, scheduler: { name: 'credit', params: { boost } }, dom0: {},
  vms: [
    { name: 'w1', bootargs: 'compute=1000000000', sched: { weight: 256 } },
    { name: 'w2', bootargs: 'compute=1000000000', sched: { weight: 512 } },
    { name: 'io', strategy: 'pv', bootargs: `io=${READS} tick=100000` },
  ],
});

async function run(boost: boolean) {
  const s = scenario(boost), b = await buildHost(s);
  b.host.run(s.durationNs);
  const io = b.guests.find((g) => g.spec.name === 'io')!;
  return { s, b, io, served: b.dom0!.clients.get('io')! };
}

describe('dom0 serves a pv guest\'s block I/O', () => {
  it('every read is a job done by dom0, priced and charged to it; the output is the solo run\'s; BOOST lowers the latency', async () => {
    const on = await run(true);
    expect(on.io.vcpu.record.outcome).toBe('halt 0');
    // One job per read (blkfront waits for each), one ring request each, 4 KiB copied each.
    expect(on.served.block).toMatchObject({ jobs: READS, requests: READS, bytes: READS * 4096 });
    const backend = (on.io.strategy as PvStrategy).blockBackend!;
    expect(backend.counts).toEqual({ requests: READS, errors: 0 });
    // Priced by the cost model: the two notifications, the decoding and a grant-copy hypercall, a cycle per byte.
    const perJob = 2 * 2030 + 216 + 2030 + 4096;
    expect(on.b.dom0!.blockCycles({ requests: 1, copies: 1, bytes: 4096 })).toBe(perJob);
    expect(DEFAULT_COST.exit.default).toBe(2030);
    expect(on.served.block.cpuNs).toBeCloseTo(READS * on.b.clock.ns(perJob), 3);
    expect(on.b.dom0!.vcpu!.cpuNs).toBeGreaterThanOrEqual(on.served.cpuNs);
    // The guest blocked waiting for its responses, and was woken by them.
    expect(on.io.vcpu.record.blocks).toBeGreaterThanOrEqual(READS);
    const solo = await runSolo(on.io.spec, vmImage(on.s, on.io.spec));
    expect(solo.outcome).toBe('halt 0');
    expect(on.io.vm.console).toMatch(new RegExp(`io n=${READS} checksum=\\d+\\n`));
    expect(on.io.vm.console).toBe(solo.output);

    const off = await run(false);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    const lOn = mean(on.served.block.latencies), lOff = mean(off.served.block.latencies);
    expect(off.served.block.jobs).toBeGreaterThan(0);
    expect(lOn).toBeLessThan(lOff / 5);
    expect(Math.max(...on.served.block.latencies)).toBeLessThan(Math.max(...off.served.block.latencies));
  }, 300_000);
});
