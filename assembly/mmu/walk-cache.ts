// Walk accelerators of Bhargava et al. (ASPLOS 2008), each switchable and counted:
//  - a page-walk cache per stage holding upper-level (non-leaf) PTEs: a hit at level i gives the
//    address of the level i-1 table, so the walk skips the references above it;
//  - a nested TLB caching G-stage translations (guest physical page -> host physical page), used
//    for the VS stage's PTE addresses and its final address.
// Both are caches of the page tables, flushed with the TLB; neither is architectural state.
import { S_pwcEnabled, S_ntlbEnabled, S_cnt_pwcHits, S_cnt_pwcMisses, S_cnt_ntlbHits, S_cnt_ntlbMisses } from '../gen/layout';

const PWC_ENTRIES: i32 = 32; // per stage, fully associative, FIFO
const NTLB_ENTRIES: i32 = 64; // direct-mapped
// PWC entry: tag (root page | level), prefix (address >> (12 + 9 * level)), next table address
const pwc = memory.data(2 * PWC_ENTRIES * 24);
const pwcNext = memory.data(2 * 4);
// NTLB entry: tag (root page), guest page + 1 (0 = empty), host page, G-stage leaf PTE bits
const ntlb = memory.data(NTLB_ENTRIES * 32);

@inline function inc(a: usize): void { store<u64>(a, load<u64>(a) + 1); }

export function pwcOn(): bool { return load<u64>(S_pwcEnabled) != 0; }
export function ntlbOn(): bool { return load<u64>(S_ntlbEnabled) != 0; }

@inline function pwcEntry(g: bool, k: i32): usize { return pwc + (<usize>(g ? PWC_ENTRIES + k : k)) * 24; }

/** Table address for level `level - 1` of the walk of `addr` under `root`, or 0 (a miss). */
export function pwcLookup(g: bool, root: u64, level: i32, addr: u64): u64 {
  const tag = root | <u64>level;
  const prefix = addr >> (12 + <u64>level * 9);
  for (let k = 0; k < PWC_ENTRIES; k++) {
    const e = pwcEntry(g, k);
    if (load<u64>(e) == tag && load<u64>(e, 8) == prefix && load<u64>(e, 16) != 0) { inc(S_cnt_pwcHits); return load<u64>(e, 16); }
  }
  return 0;
}

export function pwcMiss(): void { inc(S_cnt_pwcMisses); }

/** Remembers that the level-`level` PTE for `addr` under `root` points at table `next`. */
export function pwcInsert(g: bool, root: u64, level: i32, addr: u64, next: u64): void {
  const slot = pwcNext + (g ? 4 : 0);
  const k = load<u32>(slot);
  store<u32>(slot, (k + 1) % PWC_ENTRIES);
  const e = pwcEntry(g, <i32>k);
  store<u64>(e, root | <u64>level);
  store<u64>(e, addr >> (12 + <u64>level * 9), 8);
  store<u64>(e, next, 16);
}

@inline function ntlbEntry(gpa: u64): usize { return ntlb + <usize>((gpa >> 12) & (NTLB_ENTRIES - 1)) * 32; }

/** The G-stage leaf PTE bits of the last nested-TLB hit (its permissions are checked per access). */
export let ntlbPte: u64 = 0;

/** Host page of a guest page under G-stage `root`, or u64.MAX_VALUE (a miss). */
export function ntlbLookup(root: u64, gpa: u64): u64 {
  const e = ntlbEntry(gpa);
  if (load<u64>(e) == root && load<u64>(e, 8) == (gpa >> 12) + 1) {
    inc(S_cnt_ntlbHits);
    ntlbPte = load<u64>(e, 24);
    return load<u64>(e, 16);
  }
  inc(S_cnt_ntlbMisses);
  return u64.MAX_VALUE;
}

export function ntlbInsert(root: u64, gpa: u64, hpaPage: u64, pte: u64): void {
  const e = ntlbEntry(gpa);
  store<u64>(e, root);
  store<u64>(e, (gpa >> 12) + 1, 8);
  store<u64>(e, hpaPage, 16);
  store<u64>(e, pte, 24);
}

/** Forgets everything (with every TLB flush). */
export function walkCachesFlush(): void {
  memory.fill(pwc, 0, 2 * PWC_ENTRIES * 24);
  memory.fill(ntlb, 0, NTLB_ENTRIES * 32);
}
