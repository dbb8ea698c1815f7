/**
 * What each vCPU is entitled to when every vCPU wants the CPU all the time: `capacity` pCPUs divided
 * in proportion to weights, none getting more than its limit (its cap, or the one pCPU a vCPU can
 * use at once), what a limited vCPU cannot use going to the others (max-min fairness, "water
 * filling"). The schedulers state their entitlements with it.
 */
export interface Claim { id: number; weight: number; limit: number }

export function waterFill(claims: readonly Claim[], capacity: number): Map<number, number> {
  const out = new Map<number, number>();
  let open = claims.filter((c) => c.weight > 0 && c.limit > 0);
  for (const c of claims) out.set(c.id, 0);
  let left = capacity;
  while (open.length && left > 1e-12) {
    const w = open.reduce((a, c) => a + c.weight, 0);
    const full = open.filter((c) => (left * c.weight) / w >= c.limit);
    if (!full.length) {
      for (const c of open) out.set(c.id, (left * c.weight) / w);
      return out;
    }
    for (const c of full) { out.set(c.id, c.limit); left -= c.limit; }
    open = open.filter((c) => !full.includes(c));
  }
  return out;
}

/** Entitlements of vCPUs that compete per pCPU (schedulers without migration): each pCPU shared by the vCPUs placed on it. */
export function perPcpu(vcpus: readonly { id: number; pcpu: number }[], claim: (id: number) => Claim): Map<number, number> {
  const out = new Map<number, number>();
  const cpus = new Set(vcpus.map((v) => v.pcpu));
  for (const cpu of cpus) {
    const on = vcpus.filter((v) => v.pcpu === cpu).map((v) => claim(v.id));
    for (const [id, share] of waterFill(on, 1)) out.set(id, share);
  }
  return out;
}
