/**
 * The EC2 layer (`vmlab/cloud`): instance types, generations of hosts, price lists, placement and
 * billing, run on a trace of requests against real guests (docs/CLOUD.md).
 *
 * @packageDocumentation
 */
export { runTrace, type CloudRun, type Instance } from './run.js';
export { readTrace, type Trace, type TraceEvent, type HostSpec } from './trace.js';
export { INSTANCE_TYPES, PRICE_LISTS, instanceType, priceList, type InstanceType, type PriceList } from './instance-types.js';
export { GENERATIONS, generation, type Generation } from './generations.js';
export { billedHours, billLine, dollars, type BillLine } from './billing.js';
export { billTable, utilizationTable, performanceTable } from './report.js';
export type { TrafficFees, Zone } from './zones.js';
// The types and classes the public ones above name (so the API reference documents them too).
export { PLACEMENTS } from './placement/index.js';
export { CloudHost } from './hosts.js';
export { type Os } from './instance-types.js';
export { type InstanceSample } from './measure.js';
export { type PlacementPolicy } from './placement/policy.js';
