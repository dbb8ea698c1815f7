/** `vmlab compare`: every workload under every strategy, priced by the cost model, against native. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseImage } from '../loader/index.js';
import { GUEST_RAM_BASE } from '../vmm/vm.js';
import { STRATEGIES, type StrategyName } from '../vmm/strategy.js';
import { strategyParamError } from '../vmm/strategy-params.js';
import type { HartProfile } from '../../bindings/machine.js';
import { DEFAULT_COST, withOverrides, parseAssignment, CostError, type CostModel } from '../cost/model.js';
import { workload } from '../compare/workloads.js';
import { GUEST_RAM, type Hardware, type RunResult } from '../compare/run.js';
import { buildRows } from '../compare/report.js';
import { planCells, imageRef, type CompareCell, type ImageRef } from '../compare/cell.js';
import { FORMATS, type FormatName } from '../compare/formats/index.js';
import { chartSvg } from '../compare/chart.js';
import { runSweep } from '../sweep/pool.js';
import { wantsColour, progressBar } from './terminal.js';
import { guestImage } from '../package-files.js';
import { readJsonLines, jsonLines } from './json-lines.js';

export const DEFAULT_IMAGE = guestImage('minios.elf');
/** The kernel the pv strategy runs: minios ported to the hypervisor of src/pv. */
export const DEFAULT_PV_IMAGE = guestImage('minios-pv.elf');

export interface CompareOptions {
  workloads: string[];
  strategies: StrategyName[];
  format: FormatName;
  json?: boolean;
  wide?: boolean;
  plot?: string;
  jobs?: number;
  cost?: string;
  set?: string[];
  count?: string[];
  image?: string;
  /** The PV kernel the pv strategy runs (default guests/build/minios-pv.elf). */
  pvImage?: string;
  walkCaches?: { pwc: boolean; ntlb: boolean };
  profile?: HartProfile;
  /** Print the cells as JSON Lines instead of running them. */
  plan?: boolean;
  /** Build the table from results (JSON Lines of `vmlab cell`) instead of running the cells. */
  from?: string;
}

/** The cells the options describe; throws (CostError or a file/loader error) naming what was wrong. */
async function cellsOf(opts: CompareOptions): Promise<{ cells: CompareCell[]; cost: CostModel; runs?: RunResult[] }> {
  let cost = DEFAULT_COST;
  if (opts.cost) cost = withOverrides(cost, JSON.parse(readFileSync(opts.cost, 'utf8')));
  const params: Record<string, Record<string, string>> = {};
  const costSets = (opts.set ?? []).filter((a) => !strategyParam(a, params));
  if (costSets.length) cost = withOverrides(cost, costSets.reduce((o, a) => parseAssignment(a, o), {} as Record<string, unknown>));
  const counts = new Map(opts.workloads.map((w) => [w, workload(w).count]));
  for (const c of opts.count ?? []) {
    const m = /^(\w+)=(\d+)$/.exec(c);
    if (!m || !counts.has(m[1])) throw new CostError(`--count ${c}: expected <workload>=<iterations> for one of ${opts.workloads.join(', ')}`);
    counts.set(m[1], Number(m[2]));
  }
  const path = opts.image ?? DEFAULT_IMAGE;
  const bytes = readFileSync(path);
  parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) }); // refused here, before any worker starts
  const hardware: Hardware = { walkCaches: opts.walkCaches, profile: opts.profile };
  const imageOf: Record<string, ImageRef> = {};
  if (opts.strategies.includes('pv')) {
    const pvPath = opts.pvImage ?? DEFAULT_PV_IMAGE, pvBytes = readFileSync(pvPath);
    parseImage(pvBytes, { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
    imageOf.pv = await imageRef(pvPath, pvBytes);
  }
  const cells = planCells({
    image: await imageRef(path, bytes), workloads: [...counts].map(([name, count]) => ({ name, count })),
    strategies: opts.strategies, hardware, cost, imageOf, params,
  });
  return { cells, cost };
}

/** Results of `vmlab cell`, each checked for the fields the table reads. */
function resultsFrom(file: string): RunResult[] {
  return readJsonLines(file).map((v, i) => {
    const r = v as RunResult;
    if (typeof r?.workload !== 'string' || typeof r.strategy !== 'string' || typeof r.counts?.instructions !== 'number' || typeof r.outcome !== 'string') {
      throw new Error(`${file}:${i + 1}: not a cell result (vmlab cell prints them)`);
    }
    return r;
  });
}

export async function compareCommand(opts: CompareOptions): Promise<number> {
  let plan;
  try {
    plan = await cellsOf(opts);
    if (opts.from) plan.runs = resultsFrom(opts.from);
  } catch (e) {
    process.stderr.write(`vmlab compare: ${(e as Error).message}\n`);
    return 2;
  }
  const { cells, cost } = plan;
  if (opts.plan) { process.stdout.write(jsonLines(cells)); return 0; }
  let runs = plan.runs;
  if (!runs) {
    const progress = progressBar(process.stderr, cells.length, 'compare');
    try {
      runs = await runSweep('compare-cell', cells, {
        threads: opts.jobs,
        onDone: (i) => progress.tick(`${cells[i].workload} under ${cells[i].strategy}`),
      });
    } finally {
      progress.stop();
    }
  }
  const rows = buildRows(runs, cost);
  const format: FormatName = opts.json ? 'json' : opts.format;
  process.stdout.write(FORMATS[format](rows, { wide: opts.wide, colour: format === 'table' && wantsColour(process.stdout), cost }) + '\n');
  if (opts.plot) {
    try {
      await writeFile(opts.plot, await chartSvg(rows));
    } catch (e) {
      process.stderr.write(`vmlab compare: cannot write the plot ${opts.plot}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const bad = rows.filter((r) => !r.matchesNative || r.outcome !== 'halt 0');
  for (const r of bad) process.stderr.write(`vmlab compare: ${r.workload} under ${r.strategy}: ${r.outcome}, output ${r.matchesNative ? 'matches' : 'DIFFERS from'} native\n`);
  return bad.length ? 1 : 0;
}

/**
 * `--set <strategy>.<key>=value` is a parameter of that strategy (e.g. pv.batch=1, the PV kernel's
 * batch size; trap-emulate.flood=off), not a cost: checked and recorded in `params`; true when
 * `text` was one.
 */
function strategyParam(text: string, params: Record<string, Record<string, string>>): boolean {
  const m = /^([\w-]+)\.([\w-]+)=(.*)$/.exec(text.trim());
  if (!m || !(STRATEGIES as string[]).includes(m[1])) return false;
  const refused = strategyParamError(m[1] as StrategyName, m[2], m[3]);
  if (refused) throw new CostError(`--set ${text}: ${refused}`);
  params[m[1]] = { ...params[m[1]], [m[2]]: m[3] };
  return true;
}
