/** How many threads a sweep uses by default: apart from the pool, so a CLI can show it cheaply. */
import { availableParallelism } from 'node:os';

/** Threads a sweep uses unless told: one per core the process may use. */
export const defaultThreads = (): number => Math.max(1, availableParallelism());
