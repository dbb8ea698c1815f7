/**
 * Running a trace: requests in time order against the provider's hosts (fleet.ts). Whenever the
 * set of instances on a host changes, their performance together is
 * measured by running their guests on that host (measure.ts) for the next stretch of the trace.
 * The trace's hours are the billing clock; each measurement is a sample of virtual time.
 */
import type { LoadedImage } from '../loader/index.js';
import type { CloudHost } from './hosts.js';
import { measureHost, type InstanceSample } from './measure.js';
import { billLine, micro, type BillLine } from './billing.js';
import { Fleet, type Instance } from './fleet.js';
import type { Trace } from './trace.js';

export type { Instance };

export interface CloudRun {
  trace: Trace;
  hosts: CloudHost[];
  instances: Instance[];
  refused: { name: string; type: string; atS: number; where: string }[];
  bill: BillLine[];
  totalMicro: number;
  /** Per host: compute units and memory allocated, and measured CPU busy, averaged over the trace. */
  utilization: { host: CloudHost; ecu: number; memory: number; busy: number }[];
}

export async function runTrace(trace: Trace, image: LoadedImage): Promise<CloudRun> {
  const fleet = new Fleet(trace.hosts, trace.placement, trace.fees);
  const { hosts, instances, refused } = fleet;
  const usage = hosts.map(() => ({ ecuS: 0, memS: 0, busyS: 0 }));
  const current = new Map<CloudHost, { fromS: number; busy: number; samples: Map<string, InstanceSample> }>();
  const times = [...new Set(trace.events.map((e) => e.atS))].sort((a, b) => a - b);

  for (const [k, t] of times.entries()) {
    const changed = new Set<CloudHost>();
    for (const e of trace.events.filter((x) => x.atS === t)) { const h = fleet.apply(e); if (h) changed.add(h); }
    const next = times[k + 1] ?? trace.endS;
    for (const h of changed) {
      close(h, t, current, instances, usage, hosts);
      const workloads = new Map([...h.instances.keys()].map((n) => [n, instances.get(n)!.workload]));
      if (workloads.size) {
        const s = await measureHost(h, workloads, image, trace.warmupNs, trace.sampleNs);
        current.set(h, { fromS: t, busy: s.busy, samples: s.instances });
      }
    }
    for (const [i, h] of hosts.entries()) { usage[i].ecuS += (h.usedEcu / h.ecu) * (next - t); usage[i].memS += (h.usedMemoryGb / h.memoryGb) * (next - t); }
  }
  for (const h of hosts) close(h, trace.endS, current, instances, usage, hosts);

  const all = [...instances.values()];
  const bill = all.map((i) => billLine({
    instance: i.name, type: i.type.name, os: i.os, zone: i.host.zone.name, startS: i.startS, endS: i.endS ?? trace.endS,
    rate: micro(trace.prices.prices[i.type.name][i.os]!), traffic: i.trafficMicro,
  }));
  const span = Math.max(1, trace.endS - Math.min(...trace.events.map((e) => e.atS)));
  return {
    trace, hosts, instances: all, refused, bill, totalMicro: bill.reduce((a, l) => a + l.total, 0),
    utilization: hosts.map((host, i) => ({ host, ecu: usage[i].ecuS / span, memory: usage[i].memS / span, busy: usage[i].busyS / span })),
  };
}

/** The stretch of a host's last measurement ends at `t`: its samples go to the instances that ran then. */
function close(h: CloudHost, t: number, current: Map<CloudHost, { fromS: number; busy: number; samples: Map<string, InstanceSample> }>,
  instances: Map<string, Instance>, usage: { busyS: number }[], hosts: CloudHost[]): void {
  const c = current.get(h);
  if (!c) return;
  current.delete(h);
  if (t <= c.fromS) return;
  usage[hosts.indexOf(h)].busyS += c.busy * (t - c.fromS);
  for (const [name, sample] of c.samples) instances.get(name)!.samples.push({ fromS: c.fromS, toS: t, generation: h.generation.name, sample });
}
