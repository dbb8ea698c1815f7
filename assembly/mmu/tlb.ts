// The modelled TLB: set-associative with configurable geometry, ASID-tagged, with global pages,
// superpages (an entry covers the page size of its leaf level); a fill takes an invalid way first,
// else the next way in FIFO order per set.
// Entry (32 bytes): +0 virtual page number >> (9 * level), +8 ASID (u16), +10 level (u8),
// +11 valid (u8), +12 PTE bits 7:0 (u8), +16 physical address of the (super)page, +24 PTE address.
// The fast TLB holds copies of these entries; whatever leaves this TLB leaves the fast TLB too.
import { TLB_BASE, TLB_ENTRY_BYTES, TLB_MAX_ENTRIES, S_tlbSets, S_tlbWays, S_cnt_tlbEvictions } from '../gen/layout';
import { PTE_G } from '../cpu/defs';
import { fastFlush, fastFlushPage, PAGED_REGIMES } from './fast-tlb';
import { walkCachesFlush } from './walk-cache';

const FIFO_BASE: usize = TLB_BASE + <usize>(TLB_MAX_ENTRIES * TLB_ENTRY_BYTES);

// Result of the last lookup hit
export let hitPa: u64 = 0; // physical address of the translated byte
export let hitPte: u8 = 0;
export let hitEntry: usize = 0;

@inline function sets(): u64 { return load<u64>(S_tlbSets); }
@inline function ways(): u64 { return load<u64>(S_tlbWays); }
@inline function entryAt(set: u64, way: u64): usize {
  return TLB_BASE + <usize>((set * ways() + way) * <u64>TLB_ENTRY_BYTES);
}

/** Sets the geometry (entries a power of two, ways dividing it) and empties the TLB. */
export function tlbConfigure(entries: i32, w: i32): bool {
  if (entries <= 0 || entries > TLB_MAX_ENTRIES || (entries & (entries - 1)) != 0) return false;
  if (w <= 0 || w > entries || (entries % w) != 0 || ((entries / w) & (entries / w - 1)) != 0) return false;
  store<u64>(S_tlbSets, <u64>(entries / w));
  store<u64>(S_tlbWays, <u64>w);
  tlbFlushAll();
  return true;
}

/** Looks up vaddr for an ASID; on a hit fills hitPa/hitPte/hitEntry. `levels` = paging levels. */
export function tlbLookup(vaddr: u64, asid: u32, levels: i32): bool {
  const vpn = (vaddr >> 12) & ((<u64>1 << (<u64>levels * 9)) - 1);
  const mask = sets() - 1;
  const w = ways();
  for (let level = 0; level < levels; level++) {
    const tag = vpn >> (<u64>level * 9);
    const set = tag & mask;
    for (let way: u64 = 0; way < w; way++) {
      const e = entryAt(set, way);
      if (load<u8>(e, 11) == 0 || load<u8>(e, 10) != level || load<u64>(e) != tag) continue;
      const pte = load<u8>(e, 12);
      if ((pte & <u8>PTE_G) == 0 && <u32>load<u16>(e, 8) != asid) continue;
      const pageMask = (<u64>1 << (12 + <u64>level * 9)) - 1;
      hitPa = load<u64>(e, 16) | (vaddr & pageMask);
      hitPte = pte;
      hitEntry = e;
      return true;
    }
  }
  return false;
}

/** Inserts a translation found by the walker; the victim (if valid) leaves the fast TLB too. */
export function tlbInsert(vaddr: u64, asid: u32, levels: i32, level: i32, pte: u64, pagePa: u64, pteAddr: u64): usize {
  const vpn = (vaddr >> 12) & ((<u64>1 << (<u64>levels * 9)) - 1);
  const tag = vpn >> (<u64>level * 9);
  const set = tag & (sets() - 1);
  const e = victim(set);
  if (load<u8>(e, 11) != 0) {
    store<u64>(S_cnt_tlbEvictions, load<u64>(S_cnt_tlbEvictions) + 1);
    evictFast(e, levels);
  }
  store<u64>(e, tag);
  store<u16>(e, <u16>asid, 8);
  store<u8>(e, <u8>level, 10);
  store<u8>(e, 1, 11);
  store<u8>(e, <u8>pte, 12);
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
function evictFast(e: usize, levels: i32): void {
  const level = load<u8>(e, 10);
  if (level != 0) { fastFlush(PAGED_REGIMES); return; }
  // Reconstruct the canonical virtual address of the page (sign-extend from the top VA bit).
  const vaBits = <u64>(12 + levels * 9);
  const va = load<u64>(e) << 12;
  fastFlushPage(<u64>(<i64>(va << (64 - vaBits)) >> (64 - vaBits)));
}

/** Drops one entry (and its fast-TLB copies). */
export function tlbInvalidate(e: usize, levels: i32): void { invalidate(e, levels); }

@inline function invalidate(e: usize, levels: i32): void {
  if (load<u8>(e, 11) == 0) return;
  store<u8>(e, 0, 11);
  evictFast(e, levels);
}

export function tlbFlushAll(): void {
  const n = <usize>(sets() * ways());
  for (let i: usize = 0; i < n; i++) store<u8>(TLB_BASE + i * <usize>TLB_ENTRY_BYTES, 0, 11);
  fastFlush(PAGED_REGIMES);
  walkCachesFlush();
}

/** Flushes the non-global entries of one ASID. */
export function tlbFlushAsid(asid: u32, levels: i32): void {
  const n = <usize>(sets() * ways());
  for (let i: usize = 0; i < n; i++) {
    const e = TLB_BASE + i * <usize>TLB_ENTRY_BYTES;
    if ((load<u8>(e, 12) & <u8>PTE_G) == 0 && <u32>load<u16>(e, 8) == asid) store<u8>(e, 0, 11);
  }
  fastFlush(PAGED_REGIMES);
  walkCachesFlush();
}

/** Flushes the entries covering vaddr: of every ASID (allAsids) or of one ASID except global ones. */
export function tlbFlushPage(vaddr: u64, asid: u32, allAsids: bool, levels: i32): void {
  while (tlbLookupAny(vaddr, asid, allAsids, levels)) invalidate(hitEntry, levels);
  fastFlushPage(vaddr);
  walkCachesFlush(); // the walk caches are not tagged by address space: any fence empties them
}

function tlbLookupAny(vaddr: u64, asid: u32, allAsids: bool, levels: i32): bool {
  const vpn = (vaddr >> 12) & ((<u64>1 << (<u64>levels * 9)) - 1);
  const n = <usize>(sets() * ways());
  for (let i: usize = 0; i < n; i++) {
    const e = TLB_BASE + i * <usize>TLB_ENTRY_BYTES;
    if (load<u8>(e, 11) == 0) continue;
    const level = <u64>load<u8>(e, 10);
    if (load<u64>(e) != vpn >> (level * 9)) continue;
    if (!allAsids && ((load<u8>(e, 12) & <u8>PTE_G) != 0 || <u32>load<u16>(e, 8) != asid)) continue;
    hitEntry = e;
    return true;
  }
  return false;
}
