// The modelled TLB: set-associative with configurable geometry, tagged with the context (V and the
// VMID for a guest) and the ASID, with global pages and superpages (an entry covers the page size
// of its leaf level; a guest's entry the smaller of its two stages' pages). A fill takes an invalid
// way first, else the next way in FIFO order per set.
// Entry (32 bytes): +0 virtual page number >> (9 * level), +8 ASID (u16), +10 level (u8),
// +11 valid (u8), +12 PTE bits 7:0 (u8), +13 G-stage leaf PTE bits 7:0 (u8), +14 context (u16),
// +16 physical address of the (super)page, +24 PTE address.
// The fast TLB holds copies of these entries; whatever leaves this TLB leaves the fast TLB too.
import { TLB_BASE, TLB_FIFO_BASE, TLB_FIFO_SIZE, TLB_ENTRY_BYTES, TLB_MAX_ENTRIES, S_tlbSets, S_tlbWays, S_cnt_tlbEvictions } from '../gen/layout';
import { PTE_G } from '../cpu/defs';
import { fastFlush, fastFlushPage, PAGED_REGIMES } from './fast-tlb';
import { walkCachesFlush } from './walk-cache';

/** Context tag bits: a guest's translation (V=1), and one made with vsatp = Bare (G-stage only). */
export const CTX_VIRT: u16 = 0x8000;
export const CTX_NO_VS: u16 = 0x4000;
/** Context mask selecting V and the VMID (not the vsatp-Bare bit). */
export const CTX_VM_MASK: u16 = 0xbfff;
/** No address / no ASID in a flush scope. */
export const ANY: i64 = -1;

// One FIFO byte per set, in a region of its own (it once overlapped the decoded-page directory).
const FIFO_BASE: usize = TLB_FIFO_BASE;

// Result of the last lookup hit
export let hitPa: u64 = 0; // physical address of the translated byte
export let hitPte: u8 = 0;
export let hitPteG: u8 = 0;
export let hitEntry: usize = 0;

@inline function sets(): u64 { return load<u64>(S_tlbSets); }
@inline function ways(): u64 { return load<u64>(S_tlbWays); }
@inline function entryAt(set: u64, way: u64): usize {
  return TLB_BASE + <usize>((set * ways() + way) * <u64>TLB_ENTRY_BYTES);
}
@inline function entryCount(): usize { return <usize>(sets() * ways()); }
@inline function entry(i: usize): usize { return TLB_BASE + i * <usize>TLB_ENTRY_BYTES; }

/** Sets the geometry (entries a power of two, ways dividing it) and empties the TLB. */
export function tlbConfigure(entries: i32, w: i32): bool {
  if (entries <= 0 || entries > TLB_MAX_ENTRIES || (entries & (entries - 1)) != 0) return false;
  if (w <= 0 || w > entries || (entries % w) != 0 || ((entries / w) & (entries / w - 1)) != 0) return false;
  if (<usize>(entries / w) > TLB_FIFO_SIZE) return false;
  store<u64>(S_tlbSets, <u64>(entries / w));
  store<u64>(S_tlbWays, <u64>w);
  tlbFlushAll();
  return true;
}

/** Looks up vaddr in a context and ASID; on a hit fills hitPa/hitPte/hitPteG/hitEntry. `levels` = paging levels. */
export function tlbLookup(vaddr: u64, asid: u32, ctx: u16, levels: i32): bool {
  const vpn = vaddr >> 12;
  const mask = sets() - 1;
  const w = ways();
  for (let level = 0; level < levels; level++) {
    const tag = vpn >> (<u64>level * 9);
    const set = tag & mask;
    for (let way: u64 = 0; way < w; way++) {
      const e = entryAt(set, way);
      if (load<u8>(e, 11) == 0 || load<u8>(e, 10) != level || load<u64>(e) != tag || load<u16>(e, 14) != ctx) continue;
      const pte = load<u8>(e, 12);
      if ((pte & <u8>PTE_G) == 0 && <u32>load<u16>(e, 8) != asid) continue;
      const pageMask = (<u64>1 << (12 + <u64>level * 9)) - 1;
      hitPa = load<u64>(e, 16) | (vaddr & pageMask);
      hitPte = pte;
      hitPteG = load<u8>(e, 13);
      hitEntry = e;
      return true;
    }
  }
  return false;
}

/** Inserts a translation found by the walker; the victim (if valid) leaves the fast TLB too. */
export function tlbInsert(vaddr: u64, asid: u32, ctx: u16, level: i32, pte: u64, pteG: u64, pagePa: u64, pteAddr: u64): usize {
  const tag = (vaddr >> 12) >> (<u64>level * 9);
  const set = tag & (sets() - 1);
  const e = victim(set);
  if (load<u8>(e, 11) != 0) {
    store<u64>(S_cnt_tlbEvictions, load<u64>(S_cnt_tlbEvictions) + 1);
    evictFast(e);
  }
  store<u64>(e, tag);
  store<u16>(e, <u16>asid, 8);
  store<u8>(e, <u8>level, 10);
  store<u8>(e, 1, 11);
  store<u8>(e, <u8>pte, 12);
  store<u8>(e, <u8>pteG, 13);
  store<u16>(e, ctx, 14);
  store<u64>(e, pagePa, 16);
  store<u64>(e, pteAddr, 24);
  return e;
}

/** The way to fill in a set: an invalid one if there is one, else the next in FIFO order. */
function victim(set: u64): usize {
  const w = ways();
  for (let way: u64 = 0; way < w; way++) {
    const e = entryAt(set, way);
    if (load<u8>(e, 11) == 0) return e;
  }
  const fifo = FIFO_BASE + <usize>set;
  const way = <u64>load<u8>(fifo) % w;
  store<u8>(fifo, <u8>((way + 1) % w));
  return entryAt(set, way);
}

/** Drops the fast-TLB copies of an entry: one page for a 4 KiB entry, everything for a superpage. */
function evictFast(e: usize): void {
  if (load<u8>(e, 10) != 0) { fastFlush(PAGED_REGIMES); return; }
  fastFlushPage(load<u64>(e) << 12);
}

/** Drops one entry (and its fast-TLB copies). */
export function tlbInvalidate(e: usize): void {
  if (load<u8>(e, 11) == 0) return;
  store<u8>(e, 0, 11);
  evictFast(e);
}

/** Flushes every entry of every context. */
export function tlbFlushAll(): void { tlbFlush(0, 0, ANY, ANY); }

/**
 * Flushes the entries whose context matches (ctx & ctxMask == ctxValue), restricted to the page of
 * `vaddr` and to the non-global entries of `asid` unless those are ANY. The walk caches, which are
 * not tagged by address space, are emptied by every fence.
 */
export function tlbFlush(ctxMask: u16, ctxValue: u16, vaddr: i64, asid: i64): void {
  const n = entryCount();
  let superpage = false;
  for (let i: usize = 0; i < n; i++) {
    const e = entry(i);
    if (load<u8>(e, 11) == 0 || (load<u16>(e, 14) & ctxMask) != ctxValue) continue;
    if (vaddr != ANY && load<u64>(e) != (<u64>vaddr >> 12) >> (<u64>load<u8>(e, 10) * 9)) continue;
    if (asid != ANY && ((load<u8>(e, 12) & <u8>PTE_G) != 0 || <i64>load<u16>(e, 8) != asid)) continue;
    store<u8>(e, 0, 11);
    if (load<u8>(e, 10) != 0) superpage = true;
  }
  if (vaddr != ANY && !superpage) fastFlushPage(<u64>vaddr);
  else fastFlush(PAGED_REGIMES);
  walkCachesFlush();
}
