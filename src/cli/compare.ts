/** `vmlab compare`: every workload under every strategy, priced by the cost model, against native. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import cliProgress from 'cli-progress';
import { parseImage, LoadError } from '../loader/index.js';
import { GUEST_RAM_BASE } from '../vmm/vm.js';
import { STRATEGIES, type StrategyName } from '../vmm/strategy.js';
import { DEFAULT_COST, withOverrides, parseAssignment, CostError, type CostModel } from '../cost/model.js';
import { WORKLOADS, workload } from '../compare/workloads.js';
import { runMeasured, GUEST_RAM, type RunResult } from '../compare/run.js';
import { buildRows, topExits, compact, type Row } from '../compare/report.js';

export const DEFAULT_IMAGE = fileURLToPath(new URL('../../guests/build/minios.elf', import.meta.url));
/** The kernel the pv strategy runs: minios ported to the hypervisor of src/pv. */
export const DEFAULT_PV_IMAGE = fileURLToPath(new URL('../../guests/build/minios-pv.elf', import.meta.url));

export interface CompareOptions {
  workloads: string[];
  strategies: StrategyName[];
  json?: boolean;
  cost?: string;
  set?: string[];
  count?: string[];
  image?: string;
  pvImage?: string;
  walkCaches?: { pwc: boolean; ntlb: boolean };
}

export async function compareCommand(opts: CompareOptions): Promise<number> {
  let cost: CostModel;
  const counts = new Map<string, number>();
  let image, pvImage;
  const params = new Map<StrategyName, Record<string, string>>();
  try {
    cost = DEFAULT_COST;
    if (opts.cost) cost = withOverrides(cost, JSON.parse(readFileSync(opts.cost, 'utf8')));
    const costSets = (opts.set ?? []).filter((a) => !strategyParam(a, params));
    if (costSets.length) cost = withOverrides(cost, costSets.reduce((o, a) => parseAssignment(a, o), {} as Record<string, unknown>));
    for (const w of opts.workloads) counts.set(w, workload(w).count);
    for (const c of opts.count ?? []) {
      const m = /^(\w+)=(\d+)$/.exec(c);
      if (!m || !counts.has(m[1])) throw new CostError(`--count ${c}: expected <workload>=<iterations> for one of ${opts.workloads.join(', ')}`);
      counts.set(m[1], Number(m[2]));
    }
    image = parseImage(readFileSync(opts.image ?? DEFAULT_IMAGE), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
    if (opts.strategies.includes('pv')) pvImage = parseImage(readFileSync(opts.pvImage ?? DEFAULT_PV_IMAGE), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
  } catch (e) {
    if (e instanceof CostError || e instanceof LoadError || e instanceof SyntaxError || (e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof Error) {
      process.stderr.write(`vmlab compare: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  const strategies: StrategyName[] = opts.strategies.includes('native') ? opts.strategies : ['native', ...opts.strategies];
  const total = opts.workloads.length * strategies.length;
  const bar = opts.json ? undefined : new cliProgress.SingleBar({ format: 'compare [{bar}] {value}/{total} {task}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar?.start(total, 0, { task: '' });
  const runs: RunResult[] = [];
  for (const w of opts.workloads) {
    for (const s of strategies) {
      bar?.update({ task: `${w} under ${s}` });
      runs.push(await runMeasured(s === 'pv' ? pvImage! : image, w, counts.get(w)!, s, { walkCaches: opts.walkCaches }, { params: params.get(s) }));
      bar?.increment();
    }
  }
  bar?.stop();
  const rows = buildRows(runs, cost);
  if (opts.json) process.stdout.write(JSON.stringify({ cost, runs: rows }, null, 2) + '\n');
  else process.stdout.write(renderTable(rows) + '\n');
  const bad = rows.filter((r) => !r.matchesNative || r.outcome !== 'halt 0');
  for (const r of bad) process.stderr.write(`vmlab compare: ${r.workload} under ${r.strategy}: ${r.outcome}, output ${r.matchesNative ? 'matches' : 'DIFFERS from'} native\n`);
  return bad.length ? 1 : 0;
}

/**
 * `--set <strategy>.<key>=value` is a parameter of that strategy (e.g. pv.batch=1, the PV kernel's
 * batch size), not a cost: recorded in `params`; true when `text` was one.
 */
function strategyParam(text: string, params: Map<StrategyName, Record<string, string>>): boolean {
  const m = /^([\w-]+)\.([\w-]+)=(.*)$/.exec(text.trim());
  if (!m || !(STRATEGIES as string[]).includes(m[1])) return false;
  const s = m[1] as StrategyName;
  params.set(s, { ...params.get(s), [m[2]]: m[3] });
  return true;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.995 ? 0 : 1)}%` : '—');
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

export function renderTable(rows: Row[]): string {
  const t = new Table({
    head: ['workload', 'strategy', 'vs native (modelled)', 'wall vs native', 'instructions', 'exits', 'largest exit kinds', 'PT writes trapped', 'TLB miss rate', 'refs / miss'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'right'],
  });
  for (const r of rows) {
    t.push([r.workload, r.strategy, pct(r.relativeToNative), ratio(r.wallRatio), compact(r.instructions), compact(r.totalExits), topExits(r.exits),
      compact(r.ptWrites), `${(r.tlbMissRate * 100).toFixed(2)}%`, r.refsPerMiss.toFixed(1)]);
  }
  return t.toString();
}

export const ALL_WORKLOADS = WORKLOADS.map((w) => w.name);
export const ALL_STRATEGIES = STRATEGIES;
