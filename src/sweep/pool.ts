/**
 * Running many independent jobs (a sweep's cells) on a pool of worker threads (tinypool), one job
 * per thread at a time, results in the order of the jobs whatever order they finish in. With one
 * thread the jobs run in this process, one after the other: the same code, so the same results.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import Tinypool from 'tinypool';
import { defaultThreads } from './threads.js';
import { runJob, type JobKind, type JobInput, type JobOutput } from './jobs.js';

/** Options of a sweep. */
export interface SweepOptions {
  /** Worker threads (default: the machine's available parallelism); 1 runs in this process. */
  threads?: number;
  /** Called as each job finishes, with its index and how many have finished. */
  onDone?: (index: number, finished: number) => void;
}

export { defaultThreads };

// From the TypeScript sources (tsx, vitest) the worker is a .ts file and needs tsx's loader too.
const fromSources = import.meta.url.endsWith('.ts');
const WORKER = new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url).href;
const workerExecArgv = (): string[] => {
  if (!fromSources) return [];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return [...process.execArgv, '--import', tsx];
};

/** Runs every job of `kind`; the results come in the order of `jobs`. The first failure rejects. */
export async function runSweep<K extends JobKind>(kind: K, jobs: JobInput<K>[], options: SweepOptions = {}): Promise<JobOutput<K>[]> {
  const asked = options.threads ?? defaultThreads();
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`threads must be a positive integer, not ${asked}`);
  const threads = Math.min(asked, jobs.length);
  const results = new Array<JobOutput<K>>(jobs.length);
  let finished = 0;
  const finish = (i: number, r: JobOutput<K>) => { results[i] = r; options.onDone?.(i, ++finished); };
  if (threads <= 1) {
    for (let i = 0; i < jobs.length; i++) finish(i, await runJob(kind, jobs[i]));
    return results;
  }
  const pool = new Tinypool({ filename: WORKER, minThreads: threads, maxThreads: threads, execArgv: workerExecArgv() });
  try {
    await Promise.all(jobs.map((job, i) => pool.run({ kind, job }).then((r: JobOutput<K>) => finish(i, r))));
  } finally {
    await pool.destroy();
  }
  return results;
}
