/**
 * The kinds of job a sweep runs, by name: each takes a plain serializable description and returns
 * a plain result, so it can run in this process, on a worker thread, or on another machine. A
 * command that runs many independent guests adds its kind here (one line) and calls `runSweep`.
 */
import { runCell, type CompareCell } from '../compare/cell.js';
import { imageBytes } from './image-store.js';

/** Job runners by kind. */
export const JOBS = {
  /** One cell of `vmlab compare`. */
  'compare-cell': async (cell: CompareCell) => runCell(cell, await imageBytes(cell.image)),
} satisfies Record<string, (job: never) => Promise<unknown>>;

/** The name of a kind of job. */
export type JobKind = keyof typeof JOBS;
/** The description a job of kind `K` takes. */
export type JobInput<K extends JobKind> = Parameters<(typeof JOBS)[K]>[0];
/** The result a job of kind `K` gives. */
export type JobOutput<K extends JobKind> = Awaited<ReturnType<(typeof JOBS)[K]>>;

/** Runs one job in this process. */
export function runJob<K extends JobKind>(kind: K, job: JobInput<K>): Promise<JobOutput<K>> {
  const run = JOBS[kind] as (job: JobInput<K>) => Promise<JobOutput<K>>;
  if (typeof run !== 'function') return Promise.reject(new Error(`unknown kind of job "${String(kind)}" (known: ${Object.keys(JOBS).join(', ')})`));
  return run(job);
}
