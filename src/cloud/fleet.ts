/**
 * The provider's state as a trace's requests change it: hosts, the instances placed on them, what
 * was refused, the traffic charged. A launch goes to a host of its zone (or region) with room for
 * it, chosen by the placement policy, or is refused (EC2's InsufficientInstanceCapacity) and never
 * billed; a terminate frees its share; a transfer charges traffic fees to both ends.
 */
import { CloudHost } from './hosts.js';
import { micro } from './billing.js';
import { trafficCost, type TrafficFees } from './zones.js';
import type { InstanceType, Os } from './instance-types.js';
import type { HostSpec, TraceEvent } from './trace.js';
import type { PlacementPolicy } from './placement/policy.js';
import type { InstanceSample } from './measure.js';

export interface Instance {
  name: string;
  type: InstanceType;
  os: Os;
  host: CloudHost;
  workload: string;
  startS: number;
  endS: number | undefined;
  trafficMicro: number;
  /** Its measured performance in each stretch it ran. */
  samples: { fromS: number; toS: number; generation: string; sample: InstanceSample }[];
}

export class Fleet {
  readonly hosts: CloudHost[];
  readonly instances = new Map<string, Instance>();
  readonly refused: { name: string; type: string; atS: number; where: string }[] = [];

  constructor(specs: readonly HostSpec[], private readonly placement: PlacementPolicy, private readonly fees: TrafficFees) {
    this.hosts = specs.map((h, i) => new CloudHost(`${h.zone.name}/${i}`, h.zone, h.generation, h.cores, h.memoryGb));
  }

  /** Carries out one request; returns the host whose instances changed, if one did. */
  apply(e: TraceEvent): CloudHost | undefined {
    if (e.kind === 'launch') {
      const fitting = this.hosts.filter((h) => (e.zone ? h.zone.name === e.zone : h.zone.region === e.region) && h.fits(e.type));
      const host = this.placement.choose(e.type, fitting);
      if (!host) { this.refused.push({ name: e.name, type: e.type.name, atS: e.atS, where: e.zone ?? e.region! }); return undefined; }
      host.add(e.name, e.type);
      this.instances.set(e.name, { name: e.name, type: e.type, os: e.os, host, workload: e.workload, startS: e.atS, endS: undefined, trafficMicro: 0, samples: [] });
      return host;
    }
    if (e.kind === 'terminate') {
      const i = this.instances.get(e.name);
      if (!i) return undefined; // it was refused
      i.endS = e.atS;
      i.host.remove(e.name);
      return i.host;
    }
    const from = this.instances.get(e.from), to = this.instances.get(e.to);
    if (!from || !to) return undefined; // one of them was refused
    const c = trafficCost(from.host.zone, to.host.zone, e.gb, this.fees);
    from.trafficMicro += micro(c.sender);
    to.trafficMicro += micro(c.receiver);
    return undefined;
  }
}
