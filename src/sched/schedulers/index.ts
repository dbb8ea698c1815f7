/** The schedulers a host can run, by name. Adding one is adding its file and a line here. */
import type { SchedulerKind } from '../scheduler.js';
import { roundRobin } from './round-robin.js';
import { credit } from './credit.js';
import { bvt } from './bvt.js';
import { sedf } from './sedf.js';
import { arinc653 } from './arinc653.js';

export const SCHEDULERS: readonly SchedulerKind[] = [roundRobin, bvt, sedf, credit, arinc653];

export function schedulerKind(name: string): SchedulerKind | undefined { return SCHEDULERS.find((k) => k.name === name); }
