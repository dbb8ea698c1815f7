/** The worker-thread side of the sweep pool: one job per call, by kind (see jobs.ts). */
import { runJob, type JobKind } from './jobs.js';

export default function work({ kind, job }: { kind: JobKind; job: never }): Promise<unknown> {
  return runJob(kind, job);
}
