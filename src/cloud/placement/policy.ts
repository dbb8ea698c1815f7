/** Where a requested instance goes: one of the hosts it fits on (in the requested zone or region), or none. */
import type { CloudHost } from '../hosts.js';
import type { InstanceType } from '../instance-types.js';

export interface PlacementPolicy {
  readonly name: string;
  /** A host among `fitting` (every one has room for `type`; listed in the trace's order), or undefined. */
  choose(type: InstanceType, fitting: readonly CloudHost[]): CloudHost | undefined;
}
