/**
 * `vmlab cloud TRACE.json`: the EC2 layer. Runs a trace of launch, terminate and transfer requests
 * against the trace's hosts, every instance a real guest on a host of its generation under Credit,
 * and prints the bill, the hosts' utilization and each instance's measured performance (--json:
 * everything).
 */
import { readFileSync } from 'node:fs';
import { readTrace } from '../cloud/trace.js';
import { runTrace } from '../cloud/run.js';
import { billTable, utilizationTable, performanceTable, measuredEcu } from '../cloud/report.js';
import { ScenarioError } from '../sched/params.js';
import { DEFAULT_IMAGE } from '../sched/build.js';
import { parseImage } from '../loader/index.js';
import { GUEST_RAM_BASE } from '../vmm/vm.js';
import { MICRO } from '../cloud/billing.js';

export async function cloudCommand(file: string, opts: { json?: boolean }): Promise<number> {
  let trace;
  try {
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new ScenarioError((e as NodeJS.ErrnoException).code ? `cannot read it: ${(e as Error).message}` : `not valid JSON: ${(e as Error).message}`); }
    trace = readTrace(raw);
  } catch (e) {
    if (e instanceof ScenarioError) { process.stderr.write(`vmlab cloud: ${file}: ${e.message}\n`); return 2; }
    throw e;
  }
  const image = parseImage(readFileSync(DEFAULT_IMAGE), { base: GUEST_RAM_BASE, size: 32n << 20n });
  const r = await runTrace(trace, image);
  if (opts.json) {
    process.stdout.write(JSON.stringify({
      total: r.totalMicro / MICRO,
      bill: r.bill.map((l) => ({ ...l, rate: l.rate / MICRO, compute: l.compute / MICRO, traffic: l.traffic / MICRO, total: l.total / MICRO })),
      refused: r.refused,
      utilization: r.utilization.map((u) => ({ host: u.host.id, generation: u.host.generation.name, ecu: u.ecu, memory: u.memory, busy: u.busy })),
      instances: r.instances.map((i) => ({ name: i.name, type: i.type.name, host: i.host.id, measuredEcu: measuredEcu(i), samples: i.samples })),
    }, null, 2) + '\n');
  } else {
    process.stdout.write([billTable(r), utilizationTable(r), performanceTable(r)].join('\n\n') + '\n');
  }
  return 0;
}
