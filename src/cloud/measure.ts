/**
 * How the instances placed on one host perform together: every instance is a VM running its guest
 * workload on a vmlab host of the host's generation (its cores as pCPUs, its clock, CPI, TLB and
 * walk caches, the hardware assist it has), under Credit with the compute units enforced as EC2
 * enforces them: weight in proportion to the instance's compute units per virtual core, and a cap
 * of that many compute units' worth of one core. After a warm-up (the guests boot), each
 * instance's guest instructions per virtual second are measured, in compute units.
 *
 * The guest kernel (minios) has one vCPU: a large or extra-large instance's VM runs on one of its
 * virtual cores, with that core's compute units; the other cores are reserved on the host (by
 * placement) and idle.
 */
import { readScenario } from '../sched/scenario.js';
import { buildHost } from '../sched/build.js';
import { measure } from '../sched/metrics.js';
import type { LoadedImage } from '../loader/index.js';
import type { CloudHost } from './hosts.js';
import { ecuPerCore, simulatedHz, ECU_INSTRUCTIONS_PER_S } from './generations.js';
import type { InstanceType } from './instance-types.js';

export interface InstanceSample {
  /** Compute units it measured (guest instructions per second over what one ECU stands for). */
  ecu: number;
  /** Its CPU share of one core, its Credit cap (percent) and weight. */
  share: number;
  cap: number;
  weight: number;
  outcome: string;
}

export interface HostSample { busy: number; instances: Map<string, InstanceSample> }

/** Credit's weight and cap for an instance on a host: compute units per virtual core, in units of that host's cores. */
export function creditShares(t: InstanceType, host: CloudHost): { weight: number; cap: number } {
  const perCore = t.ecu / t.cores;
  return { weight: Math.round(256 * perCore), cap: Math.min(100, Math.max(1, Math.round((100 * perCore) / ecuPerCore(host.generation)))) };
}

export async function measureHost(host: CloudHost, workloads: Map<string, string>, image: LoadedImage, warmupNs: number, sampleNs: number): Promise<HostSample> {
  const g = host.generation;
  const names = [...host.instances.keys()];
  const shares = names.map((n) => creditShares(host.instances.get(n)!, host));
  const scenario = readScenario({
    pcpus: host.cores,
    clockHz: simulatedHz(g),
    cost: { cpi: g.cpi },
    hardware: { tlb: `${g.tlb.entries}x${g.tlb.ways}`, walkCaches: [g.walkCaches.pwc && 'pwc', g.walkCaches.ntlb && 'ntlb'].filter(Boolean).join(',') || 'none' },
    scheduler: 'credit',
    vms: names.map((name, i) => ({ name, strategy: g.strategy, bootargs: workloads.get(name)!, sched: shares[i] })),
  });
  const built = await buildHost(scenario, image);
  built.host.run(warmupNs);
  const before = built.guests.map((x) => x.body.instructions), from = built.host.now;
  built.host.run(warmupNs + sampleNs);
  const m = measure(built.host, built.scheduler);
  const instances = new Map<string, InstanceSample>();
  built.guests.forEach((x, i) => {
    const until = Math.min(built.host.now, x.vcpu.record.finishedAt ?? Infinity);
    const seconds = Math.max(0, until - from) / 1e9;
    instances.set(names[i], {
      ecu: seconds > 0 ? (x.body.instructions - before[i]) / seconds / ECU_INSTRUCTIONS_PER_S : NaN,
      share: m.vms[i].share, cap: shares[i].cap, weight: shares[i].weight, outcome: m.vms[i].outcome,
    });
  });
  return { busy: m.busy, instances };
}
