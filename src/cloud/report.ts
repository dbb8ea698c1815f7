/** The tables `vmlab cloud` prints: the bill, refused launches, utilization of the hosts, each instance's measured performance. */
import Table from 'cli-table3';
import { dollars } from './billing.js';
import type { CloudRun, Instance } from './run.js';

const hours = (s: number) => (s / 3600).toFixed(2).replace(/\.?0+$/, '');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const table = (head: string[], aligns: ('left' | 'right')[]) => new Table({ head, colAligns: aligns, style: { head: [], border: [] } });

/** The instance's compute units measured, weighted by how long each placement lasted. */
export function measuredEcu(i: Instance): number {
  let w = 0, sum = 0;
  for (const s of i.samples) if (Number.isFinite(s.sample.ecu)) { w += s.toS - s.fromS; sum += s.sample.ecu * (s.toS - s.fromS); }
  return w > 0 ? sum / w : NaN;
}

export function billTable(r: CloudRun): string {
  const t = table(['instance', 'type', 'OS', 'zone', 'from (h)', 'to (h)', 'hours billed', 'per hour', 'compute', 'traffic', 'total'],
    ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right']);
  for (const l of r.bill) t.push([l.instance, l.type, l.os, l.zone, hours(l.startS), hours(l.endS), String(l.hours), dollars(l.rate), dollars(l.compute), dollars(l.traffic), dollars(l.total)]);
  t.push(['total', '', '', '', '', '', String(r.bill.reduce((a, l) => a + l.hours, 0)), '', dollars(r.bill.reduce((a, l) => a + l.compute, 0)), dollars(r.bill.reduce((a, l) => a + l.traffic, 0)), dollars(r.totalMicro)]);
  const refused = r.refused.map((x) => `refused (no host with room, not billed): ${x.name} (${x.type} in ${x.where} at ${hours(x.atS)} h)`);
  return [`bill (${r.trace.prices.name} prices: ${r.trace.prices.source}; every started hour)`, t.toString(), ...refused].join('\n');
}

export function utilizationTable(r: CloudRun): string {
  const t = table(['host', 'generation', 'cores', 'ECU', 'ECU allocated', 'memory allocated', 'CPU busy (measured)'], ['left', 'left', 'right', 'right', 'right', 'right', 'right']);
  for (const u of r.utilization) t.push([u.host.id, u.host.generation.name, String(u.host.cores), u.host.ecu.toFixed(1), pct(u.ecu), pct(u.memory), pct(u.busy)]);
  return `utilization over the trace (placement: ${r.trace.placement.name})\n${t.toString()}`;
}

export function performanceTable(r: CloudRun): string {
  const t = table(['instance', 'type', 'host (generation)', 'Credit weight / cap', 'ECU per core: nominal', 'measured', 'outcome of the last sample'], ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
  for (const i of r.instances) {
    const last = i.samples[i.samples.length - 1]?.sample;
    t.push([i.name, i.type.name, `${i.host.id} (${i.host.generation.name})`, last ? `${last.weight} / ${last.cap}%` : '—',
      (i.type.ecu / i.type.cores).toFixed(2), Number.isFinite(measuredEcu(i)) ? measuredEcu(i).toFixed(2) : '—', last?.outcome ?? '—']);
  }
  return `performance of each instance: its guest's instructions per virtual second, in compute units\n${t.toString()}`;
}
