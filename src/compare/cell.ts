/**
 * A cell of a sweep: one workload, one strategy, one size, on one hardware, priced by one cost
 * model. A cell is plain data (JSON in, JSON out) and names its guest image by content, so any
 * executor can run it: the in-process loop, the worker-thread pool of `vmlab/sweep`, the demo
 * page's Web Worker, or a task of a distributed job engine (docs/SWEEPS.md).
 */
import { parseImage } from '../loader/index.js';
import { HART_PROFILES, type HartProfile } from '../../bindings/machine.js';
import { GUEST_RAM_BASE } from '../vmm/vm.js';
import { STRATEGIES, type StrategyName } from '../vmm/strategy.js';
import { strategyParamError } from '../vmm/strategy-params.js';
import { modelledCycles, withOverrides, DEFAULT_COST, type CostModel, type CycleBreakdown } from '../cost/model.js';
import { runMeasured, GUEST_RAM, type Hardware, type RunResult } from './run.js';

/** A guest image by location and content: executors fetch `uri` and refuse bytes of another hash. */
export interface ImageRef {
  /** Where the image is: a file path or a URL (`file:`, `https:`, an object store's, ...). */
  uri: string;
  /** SHA-256 of the image, lowercase hex. */
  sha256: string;
}

/** One job of a comparison: everything needed to run it and price it, nothing else. */
export interface CompareCell {
  image: ImageRef;
  /** A workload of the guest kernel (minios's `name=count` boot arguments), e.g. `getppid`. */
  workload: string;
  /** Iterations of the workload. */
  count: number;
  /** A strategy by name (`native` or a VMM strategy), as `vmlab compare --strategies` takes it. */
  strategy: string;
  /** The host hardware's options, the same for every strategy of a sweep. */
  hardware: Hardware;
  /** The cost model that prices the run. */
  cost: CostModel;
  /** The strategy's parameters (e.g. pv's `batch`), as `--set pv.batch=N` gives them. */
  params?: Record<string, string>;
}

/** What a cell gives back: its run (steady state, counters, guest output) and its modelled cycles. */
export interface CellResult extends RunResult {
  cycles: CycleBreakdown;
}

/** What a sweep runs: every workload under every strategy (native first: it is the baseline). */
export interface SweepPlan {
  image: ImageRef;
  workloads: { name: string; count: number }[];
  strategies: string[];
  hardware: Hardware;
  cost: CostModel;
  /** A strategy that runs another kernel (pv runs minios-pv): its image. */
  imageOf?: Record<string, ImageRef>;
  /** Parameters of a strategy, by strategy. */
  params?: Record<string, Record<string, string>>;
}

/** The cells of a plan, workload by workload, native first within each workload. */
export function planCells(plan: SweepPlan): CompareCell[] {
  const strategies = ['native', ...plan.strategies.filter((s) => s !== 'native')];
  return plan.workloads.flatMap((w) => strategies.map((strategy) => ({
    image: plan.imageOf?.[strategy] ?? plan.image, workload: w.name, count: w.count, strategy, hardware: plan.hardware, cost: plan.cost,
    ...(plan.params?.[strategy] ? { params: plan.params[strategy] } : {}),
  })));
}

/** Runs one cell on the image's bytes (which the caller fetched and checked against `cell.image`). */
export async function runCell(cell: CompareCell, imageBytes: Uint8Array): Promise<CellResult> {
  const image = parseImage(imageBytes, { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
  const run = await runMeasured(image, cell.workload, cell.count, cell.strategy, cell.hardware, { params: cell.params });
  return { ...run, cycles: modelledCycles(run.counts, cell.cost) };
}

/** SHA-256 of bytes as lowercase hex (Web Crypto: the same in Node and in a browser). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The reference of an image's bytes found at `uri`. */
export async function imageRef(uri: string, bytes: Uint8Array): Promise<ImageRef> {
  return { uri, sha256: await sha256Hex(bytes) };
}

/** Checks fetched bytes against their reference; throws naming the image when they differ. */
export async function checkImage(ref: ImageRef, bytes: Uint8Array): Promise<void> {
  const got = await sha256Hex(bytes);
  if (got !== ref.sha256) throw new Error(`image ${ref.uri} has SHA-256 ${got}, the cell expects ${ref.sha256}: it changed since the sweep was planned`);
}

/** A cell from untrusted JSON (a file, another machine): every field checked, with a message naming the first bad one. */
export function parseCell(value: unknown): CompareCell {
  const o = value as Record<string, unknown>;
  const fail = (what: string): never => { throw new Error(`not a compare cell: ${what}`); };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('expected a JSON object');
  const image = o.image as Record<string, unknown>;
  if (typeof image !== 'object' || image === null || typeof image.uri !== 'string' || !/^[0-9a-f]{64}$/.test(String(image.sha256))) {
    fail('"image" must be { "uri": string, "sha256": 64 hex digits }');
  }
  if (typeof o.workload !== 'string' || !/^\w+$/.test(o.workload)) fail('"workload" must be a name like "getppid"');
  if (typeof o.count !== 'number' || !Number.isSafeInteger(o.count) || o.count < 0) fail('"count" must be a non-negative integer');
  if (typeof o.strategy !== 'string') fail('"strategy" must be a name like "hw-nested"');
  const hw = (o.hardware ?? {}) as Record<string, unknown>;
  const wc = hw.walkCaches as Record<string, unknown> | undefined;
  if (typeof hw !== 'object' || (wc !== undefined && (typeof wc !== 'object' || wc === null || typeof wc.pwc !== 'boolean' || typeof wc.ntlb !== 'boolean')) ||
    (hw.profile !== undefined && !(HART_PROFILES as readonly unknown[]).includes(hw.profile))) {
    fail(`"hardware" must be { "walkCaches"?: { "pwc": boolean, "ntlb": boolean }, "profile"?: ${HART_PROFILES.map((p) => `"${p}"`).join(' | ')} }`);
  }
  const params = o.params as Record<string, unknown> | undefined;
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params) || Object.values(params).some((v) => typeof v !== 'string'))) {
    fail('"params" must be an object of strings');
  }
  if (params && typeof o.strategy === 'string' && (STRATEGIES as string[]).includes(o.strategy)) {
    for (const [key, value] of Object.entries(params)) {
      const refused = strategyParamError(o.strategy as StrategyName, key, value as string);
      if (refused) fail(`"params": ${refused}`);
    }
  }
  let cost: CostModel;
  try {
    cost = withOverrides(DEFAULT_COST, o.cost ?? {});
  } catch (e) {
    return fail(`"cost": ${(e as Error).message}`);
  }
  return {
    image: { uri: image.uri as string, sha256: image.sha256 as string }, workload: o.workload as string, count: o.count as number,
    strategy: o.strategy as string, cost,
    hardware: { ...(wc ? { walkCaches: { pwc: wc.pwc as boolean, ntlb: wc.ntlb as boolean } } : {}), ...(hw.profile ? { profile: hw.profile as HartProfile } : {}) },
    ...(params ? { params: params as Record<string, string> } : {}),
  };
}
