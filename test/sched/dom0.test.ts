// The driver domain: its requests wait until it runs, its work is priced by the cost model, it
// blocks when idle and a request wakes it; what it did is recorded per client.
import { describe, it, expect } from 'vitest';
import { Host } from '../../src/sched/host.js';
import { DriverDomain } from '../../src/sched/dom0.js';
import { credit } from '../../src/sched/schedulers/credit.js';
import { roundRobin } from '../../src/sched/schedulers/round-robin.js';
import { defaults } from '../../src/sched/params.js';
import { DEFAULT_COST } from '../../src/cost/model.js';
import { Clock } from '../../src/sched/time.js';
import { Hog } from '../helpers/sched.js';

const MS = 1e6, clock = new Clock(100e6);

function hostWithDom0(kind: typeof credit | typeof roundRobin) {
  const host = new Host({ pcpus: 1, scheduler: kind.create(defaults(kind.hostParams), 1, {}, []), switchNs: 0, trace: true });
  const dom0 = new DriverDomain(host, DEFAULT_COST, clock);
  dom0.vcpu = host.add('dom0', defaults(kind.vmParams), dom0);
  host.add('hog', defaults(kind.vmParams), new Hog());
  return { host, dom0 };
}

describe('the driver domain', () => {
  it('prices a request from the cost model: two exit round trips, one emulation, a cycle per byte at CPI 1', () => {
    const { dom0 } = hostWithDom0(credit);
    expect(dom0.requestCycles(100)).toBe(2 * 2000 + 216 + 100);
  });

  it("blocks when idle, is woken by a request, and serves it when it runs (round robin: after the hog's slice)", () => {
    const { host, dom0 } = hostWithDom0(roundRobin);
    host.run(5 * MS);
    expect(dom0.vcpu!.state).toBe('blocked');
    dom0.submit('guest', 5 * MS, 84); // 4300 cycles = 43 µs
    host.run(40 * MS);
    const c = dom0.clients.get('guest')!;
    expect(c.requests).toBe(1);
    expect(c.cpuNs).toBe(43_000);
    // The hog's 10 ms slice began at 0 and its next at 10 ms... dom0 waits for the current one to end.
    expect(c.latencies[0]).toBe(10 * MS - 5 * MS + 43_000);
    expect(dom0.vcpu!.cpuNs).toBe(43_000);
  });

  it('under Credit, a woken dom0 is BOOSTed and preempts a CPU hog at once', () => {
    const { host, dom0 } = hostWithDom0(credit);
    host.run(100 * MS);
    dom0.submit('guest', 100 * MS, 84);
    host.run(150 * MS);
    expect(dom0.clients.get('guest')!.latencies[0]).toBeLessThanOrEqual(1 * MS + 43_000); // at most the ratelimit
  });
});
