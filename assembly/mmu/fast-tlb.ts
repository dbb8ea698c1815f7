// The fast TLB: what the interpreter consults on every load and store. One block per translation
// regime and access type; a block is a 16-byte hit counter then 256 direct-mapped entries
// {tag: virtual page (low bits zero), value: host address - virtual address}. A hit is one compare
// and one add: the tag is compared with `vaddr & (~0xfff | (size - 1))`, so misaligned accesses never
// match. Fetch entries hold the decoded page instead of an addend. Every entry is a copy of a
// translation the modelled TLB (tlb.ts) holds, so a fast hit is a modelled hit.
import { FAST_TLB_BASE, FAST_TLB_BLOCK, FAST_TLB_ENTRIES, REGIMES, ACCESS_TYPES, S_cnt_fastFlushes } from '../gen/layout';

/** Translation regimes: the context a translation is valid in. */
export const REGIME_BARE: i32 = 0; // M-mode, or satp = Bare (with V=1: vsatp and hgatp Bare)
export const REGIME_S: i32 = 1;
export const REGIME_U: i32 = 2;
export const REGIME_VS: i32 = 3; // V=1: two-stage (or G-stage only) translation
export const REGIME_VU: i32 = 4;
export const PAGED_REGIMES: i32 = 0b11110;
export const ALL_REGIMES: i32 = (1 << REGIMES) - 1;

export const INVALID_TAG: u64 = u64.MAX_VALUE;

/** Block of the fast TLB for a regime and access type. */
@inline export function fastBlock(regime: i32, type: i32): usize {
  return FAST_TLB_BASE + <usize>(regime * ACCESS_TYPES + type) * <usize>FAST_TLB_BLOCK;
}

/** Entry of a block for a virtual address. */
@inline export function fastEntry(block: usize, vaddr: u64): usize {
  return block + 16 + (<usize>((vaddr >> 12) & <u64>(FAST_TLB_ENTRIES - 1)) << 4);
}

export function fastFill(block: usize, vaddr: u64, value: u64): void {
  const e = fastEntry(block, vaddr);
  store<u64>(e, vaddr & ~0xfff);
  store<u64>(e, value, 8);
}

/** Invalidates every entry of the regimes in `mask` (a bit per regime). */
export function fastFlush(mask: i32): void {
  store<u64>(S_cnt_fastFlushes, load<u64>(S_cnt_fastFlushes) + 1);
  for (let r = 0; r < REGIMES; r++) {
    if (((mask >> r) & 1) == 0) continue;
    for (let t = 0; t < ACCESS_TYPES; t++) {
      const b = fastBlock(r, t) + 16;
      for (let i = 0; i < FAST_TLB_ENTRIES; i++) store<u64>(b + (<usize>i << 4), INVALID_TAG);
    }
  }
}

/** Invalidates every entry of one access type in every regime (dirty logging drops the write entries). */
export function fastFlushType(type: i32): void {
  store<u64>(S_cnt_fastFlushes, load<u64>(S_cnt_fastFlushes) + 1);
  for (let r = 0; r < REGIMES; r++) {
    const b = fastBlock(r, type) + 16;
    for (let i = 0; i < FAST_TLB_ENTRIES; i++) store<u64>(b + (<usize>i << 4), INVALID_TAG);
  }
}

/** Invalidates the entries of one virtual page in every regime and type. */
export function fastFlushPage(vaddr: u64): void {
  const tag = vaddr & ~0xfff;
  for (let r = 0; r < REGIMES; r++) {
    for (let t = 0; t < ACCESS_TYPES; t++) {
      const e = fastEntry(fastBlock(r, t), vaddr);
      if (load<u64>(e) == tag) store<u64>(e, INVALID_TAG);
    }
  }
}

/** Invalidates the entries of one type whose value satisfies value + tag == `hostPage` (a host page). */
export function fastFlushHostPage(type: i32, hostPage: u64): void {
  for (let r = 0; r < REGIMES; r++) {
    const b = fastBlock(r, type) + 16;
    for (let i = 0; i < FAST_TLB_ENTRIES; i++) {
      const e = b + (<usize>i << 4);
      const tag = load<u64>(e);
      if (tag != INVALID_TAG && tag + load<u64>(e, 8) == hostPage) store<u64>(e, INVALID_TAG);
    }
  }
}

/** Invalidates fetch entries that point at a decoded page. */
export function fastFlushDecodedPage(page: usize): void {
  for (let r = 0; r < REGIMES; r++) {
    const b = fastBlock(r, 2) + 16;
    for (let i = 0; i < FAST_TLB_ENTRIES; i++) {
      const e = b + (<usize>i << 4);
      if (load<u64>(e, 8) == <u64>page) store<u64>(e, INVALID_TAG);
    }
  }
}

/** Sum of the hit counters of a regime's blocks for one access type. */
export function fastHits(regime: i32, type: i32): u64 { return load<u64>(fastBlock(regime, type)); }
