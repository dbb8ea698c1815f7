/**
 * Sweeps (`vmlab/sweep`, Node only): many independent guest runs on a pool of worker threads,
 * each described by plain data so the same jobs can go to a distributed job engine (docs/SWEEPS.md).
 *
 * @packageDocumentation
 */
export { runSweep, defaultThreads, type SweepOptions } from './pool.js';
export { JOBS, runJob, type JobKind, type JobInput, type JobOutput } from './jobs.js';
export { imageBytes } from './image-store.js';
