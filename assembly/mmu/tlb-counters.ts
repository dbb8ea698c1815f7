// Crediting the fast TLB's hit counters to the modelled TLB's counters: by access type, for guests
// (V=1) separately, and per guest VMID. The interpreter counts hits per live regime block without
// knowing the VMID, so the guest blocks are credited to a VMID whenever it changes, and at exits.
import {
  S_cnt_tlbHits, S_cnt_tlbHitsVirt, S_cnt_tlbMissesVirt, S_cnt_vmidTlbHits, S_cnt_vmidTlbMisses, S_cnt_vmidTlbFlushes, ACCESS_TYPES,
} from '../gen/layout';
import { fastBlock, REGIME_S, REGIME_U, REGIME_VS, REGIME_VU } from './fast-tlb';

@inline function add(a: usize, n: u64): void { store<u64>(a, load<u64>(a) + n); }
@inline function vmidSlot(base: usize, vmid: u64): usize { return base + (<usize>(vmid & 15) << 3); }

/** Moves the hits of one regime's blocks into the per-type counters (and returns their sum). */
function drain(regime: i32): u64 {
  let sum: u64 = 0;
  for (let t = 0; t < ACCESS_TYPES; t++) {
    const b = fastBlock(regime, t);
    const hits = load<u64>(b);
    add(S_cnt_tlbHits + (<usize>t << 3), hits);
    store<u64>(b, 0);
    sum += hits;
  }
  return sum;
}

/** Credits the guest regimes' hits so far to `vmid`. */
export function foldGuestHits(vmid: u64): void {
  const hits = drain(REGIME_VS) + drain(REGIME_VU);
  add(S_cnt_tlbHitsVirt, hits);
  add(vmidSlot(S_cnt_vmidTlbHits, vmid), hits);
}

/** Credits every paged regime's hits (the bare regime's are not TLB hits); the guest ones to `vmid`. */
export function foldFastHits(vmid: u64): void {
  drain(REGIME_S);
  drain(REGIME_U);
  foldGuestHits(vmid);
  for (let t = 0; t < ACCESS_TYPES; t++) store<u64>(fastBlock(0, t), 0);
}

/** A guest TLB hit or miss on the slow path: counted for guests and for its VMID. */
export function countGuestLookup(vmid: u64, hit: bool): void {
  add(hit ? S_cnt_tlbHitsVirt : S_cnt_tlbMissesVirt, 1);
  add(vmidSlot(hit ? S_cnt_vmidTlbHits : S_cnt_vmidTlbMisses, vmid), 1);
}

/** A fence flushed the translations of `vmid`. */
export function countVmidFlush(vmid: u64): void { add(vmidSlot(S_cnt_vmidTlbFlushes, vmid), 1); }
