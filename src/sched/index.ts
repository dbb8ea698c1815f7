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
export { SCHEDULERS, schedulerKind } from './schedulers/index.js';
export type { Scheduler, SchedulerKind, SchedVcpu, SchedContext, Decision } from './scheduler.js';
export { measure, jain, percentile, distribution, type HostMetrics, type VmMetrics, type Distribution } from './metrics.js';
export { ScenarioError, type ParamSpecs, type Params, type ParamSpec } from './params.js';
export { HostVcpu, type VcpuBody } from './vcpu.js';
// The types and classes the public ones above name (so the API reference documents them too).
export { DriverDomain, ClientRecord } from './dom0.js';
export { EventQueue, type HostEvent } from './events.js';
export { GuestBody, Hart } from './guest.js';
export { type Timer } from './scheduler.js';
export { Clock } from './time.js';
export { type BodyEnd, VcpuRecord, type VcpuState } from './vcpu.js';
export { Meter } from './meter.js';
