/**
 * CPU scheduling of many VMs (`vmlab/sched`): a host of P pCPUs running real guests under one of
 * Xen's schedulers (round robin, BVT, sEDF, Credit, ARINC 653), the scenario files of `vmlab host`
 * and the measurements (docs/SCHEDULING.md).
 *
 * @packageDocumentation
 */
export { Host, Pcpu, type HostOptions, type Interval } from './host.js';
export { buildHost, scenarioCost, scenarioImage, type BuiltHost, type GuestVm } from './build.js';
export { readScenario, DOM0, type Scenario, type VmSpec, type GuestStrategy } from './scenario.js';
export { ScenarioError } from './params.js';
export { SCHEDULERS, schedulerKind } from './schedulers/index.js';
export type { Scheduler, SchedulerKind, SchedVcpu, SchedContext, Decision } from './scheduler.js';
export { measure, jain, percentile, distribution, type HostMetrics, type VmMetrics, type Distribution } from './metrics.js';
