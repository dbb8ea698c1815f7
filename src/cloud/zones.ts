/**
 * Regions and availability zones, and what traffic between instances costs: nothing inside a zone,
 * a fee per GB between zones of a region (paid on both sides: out of one instance, into the other)
 * and between regions (paid by the sender). The seed states the rule; the rates are EC2's regional
 * and inter-region data transfer prices of the time (US East: $0.01/GB in and out between zones,
 * $0.02/GB out to another region), overridable in a trace.
 */
export interface TrafficFees {
  /** $ per GB, charged to each of the two instances, between zones of one region. */
  interZonePerGb: number;
  /** $ per GB, charged to the sender, between regions. */
  interRegionPerGb: number;
}

export const DEFAULT_FEES: TrafficFees = { interZonePerGb: 0.01, interRegionPerGb: 0.02 };

/** A zone is named `<region><letter>`, as EC2's are (us-east-1a is in us-east-1). */
export interface Zone { name: string; region: string }

/** What `gb` from an instance in `from` to one in `to` costs the sender and the receiver. */
export function trafficCost(from: Zone, to: Zone, gb: number, fees: TrafficFees): { sender: number; receiver: number } {
  if (from.name === to.name) return { sender: 0, receiver: 0 };
  if (from.region === to.region) return { sender: gb * fees.interZonePerGb, receiver: gb * fees.interZonePerGb };
  return { sender: gb * fees.interRegionPerGb, receiver: 0 };
}
