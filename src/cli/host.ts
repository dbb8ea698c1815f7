/**
 * `vmlab host [SCENARIO.json]`: several VMs on P pCPUs under one of Xen's schedulers, in virtual
 * time. The scenario comes from a JSON file (docs/SCHEDULING.md describes it) or from options; it
 * prints a table per VM (CPU time and share against entitlement, share error, run-queue waits,
 * wake-up latencies, context switches), `--json` for everything, `--plot FILE.svg` for each VM's
 * share over time, `--solo` to check every VM's output against a run of it alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readScenario } from '../sched/scenario.js';
import { buildHost, scenarioImage, vmImage } from '../sched/build.js';
import { measure } from '../sched/metrics.js';
import { hostTable } from '../sched/report.js';
import { shareChart } from '../sched/plot.js';
import { runSolo } from '../sched/solo.js';
import { ScenarioError } from '../sched/params.js';
import { SCHEDULERS } from '../sched/schedulers/index.js';
import { parseAssignment } from '../cost/model.js';

export interface HostCliOptions {
  scheduler?: string;
  pcpus?: number;
  duration?: number;
  vm?: string[];
  param?: string[];
  set?: string[];
  json?: boolean;
  plot?: string;
  solo?: boolean;
  listSchedulers?: boolean;
}

export async function hostCommand(file: string | undefined, opts: HostCliOptions): Promise<number> {
  if (opts.listSchedulers) { process.stdout.write(schedulerList()); return 0; }
  let built, scenario;
  try {
    scenario = readScenario(file ? withOptions(readJson(file), opts) : withOptions({}, opts));
    built = await buildHost(scenario);
  } catch (e) {
    if (e instanceof ScenarioError) { process.stderr.write(`vmlab host: ${file ? `${file}: ` : ''}${e.message}\n`); return 2; }
    throw e;
  }
  const t0 = performance.now();
  built.host.run(scenario.durationNs);
  const wallMs = performance.now() - t0;
  const metrics = measure(built.host, built.scheduler);
  const outputs = built.guests.map((g) => g.vm.console);
  let mismatches: string[] = [];
  if (opts.solo) {
    const image = scenario.vms.some((v) => v.strategy !== 'pv' && !v.image) ? scenarioImage(scenario) : undefined;
    for (const [i, g] of built.guests.entries()) {
      if (g.vcpu.state !== 'done') continue; // still running at the end: nothing to compare yet
      const solo = await runSolo(g.spec, vmImage(scenario, g.spec, image));
      if (solo.output !== outputs[i]) mismatches.push(g.spec.name);
    }
  }
  if (opts.plot) writeFileSync(opts.plot, await shareChart(metrics, `${scenario.scheduler.kind.name} on ${scenario.pcpus} pCPU${scenario.pcpus > 1 ? 's' : ''}: CPU share per VM`));
  if (opts.json) {
    process.stdout.write(JSON.stringify({ scheduler: scenario.scheduler.kind.name, params: scenario.scheduler.params, wallMs, metrics, outputs, soloMismatches: opts.solo ? mismatches : undefined }, null, 2) + '\n');
  } else {
    process.stdout.write(hostTable(metrics, metrics.vms.map((v) => scenario.vms.find((x) => x.name === v.name)?.strategy ?? 'driver domain')) + '\n');
    process.stdout.write(`${(wallMs / 1000).toFixed(2)} s of wall time\n`);
    if (opts.solo) process.stdout.write(mismatches.length ? `outputs DIFFER from the solo runs: ${mismatches.join(', ')}\n` : 'every finished VM\'s output equals its solo run\n');
  }
  const crashed = metrics.vms.filter((v) => v.outcome.startsWith('crash'));
  for (const v of crashed) process.stderr.write(`vmlab host: ${v.name}: ${v.outcome}\n`);
  return mismatches.length || crashed.length ? 1 : 0;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new ScenarioError(`cannot read it: ${(e as Error).message}`); }
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError('the scenario must be a JSON object');
    return v;
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`not valid JSON: ${(e as Error).message}`);
  }
}

/** Options on top of the file's fields (the same checks apply to both). */
function withOptions(raw: Record<string, unknown>, o: HostCliOptions): Record<string, unknown> {
  const out = { ...raw };
  if (o.pcpus !== undefined) out.pcpus = o.pcpus;
  if (o.duration !== undefined) out.durationMs = o.duration;
  if (o.scheduler !== undefined || o.param?.length) {
    const base = typeof out.scheduler === 'string' ? { name: out.scheduler } : { ...(out.scheduler as object ?? { name: 'credit' }) } as Record<string, unknown>;
    if (o.scheduler) base.name = o.scheduler;
    if (o.param?.length) base.params = { ...(base.params as object ?? {}), ...Object.fromEntries(o.param.map(assignment)) };
    out.scheduler = base;
  }
  if (o.vm?.length) out.vms = o.vm.map(vmOption);
  if (o.set?.length) {
    try { out.cost = o.set.reduce((a, s) => parseAssignment(s, a), { ...(out.cost as object ?? {}) } as Record<string, unknown>); } catch (e) { throw new ScenarioError(`--set: ${(e as Error).message}`); }
  }
  return out;
}

/** `--vm NAME:BOOTARGS[:k=v,...]`: boot arguments with commas for spaces; strategy=, memMiB= and the scheduler's VM parameters. */
function vmOption(text: string): Record<string, unknown> {
  const [name, args, params] = text.split(':');
  if (!name || !args) throw new ScenarioError(`--vm ${text}: expected NAME:BOOTARGS[:key=value,...], e.g. w1:compute=50000000:weight=512`);
  const vm: Record<string, unknown> = { name, bootargs: args.split(',').join(' ') };
  const sched: Record<string, unknown> = {};
  for (const [k, v] of (params ? params.split(',') : []).map(assignment)) {
    if (k === 'strategy') vm.strategy = v === true ? 'true' : String(v);
    else if (k === 'memMiB') vm.memMiB = v;
    else sched[k] = v;
  }
  if (Object.keys(sched).length) vm.sched = sched;
  return vm;
}

/** key=value, the value a number, true/false, or text. */
function assignment(text: string): [string, unknown] {
  const m = /^([\w.-]+)=(.*)$/.exec(text.trim());
  if (!m) throw new ScenarioError(`"${text}" is not key=value`);
  const v = m[2];
  return [m[1], v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v];
}

function schedulerList(): string {
  const lines: string[] = [];
  for (const k of SCHEDULERS) {
    lines.push(`${k.name}: ${k.about}`);
    for (const [scope, specs] of [['host', k.hostParams], ['per VM', k.vmParams]] as const) {
      for (const [name, s] of Object.entries(specs)) lines.push(`  ${scope} ${name} = ${s.default}  ${s.about} [${s.source}]`);
    }
  }
  return lines.join('\n') + '\n';
}
