// Address translation for the slow paths: regime selection (which fast-TLB blocks are live), the
// modelled TLB, the walker, and filling the fast TLB with what may be cached there.
import { S_priv, S_mstatus, S_satp, S_cnt_tlbHits, S_cnt_tlbMisses, S_cnt_pageFaults } from '../gen/layout';
import {
  PRV_M, PRV_S, MSTATUS_MPRV, MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR, PTE_A, PTE_D,
  ACCESS_WRITE, ACCESS_FETCH, ST_OK,
} from '../cpu/defs';
import { raise } from '../state';
import { REGIME_BARE, REGIME_S, REGIME_U, fastBlock, fastFill } from './fast-tlb';
import { tlbLookup, tlbInsert, tlbInvalidate, hitPa, hitPte, hitEntry } from './tlb';
import { walk, WALK_OK, walkPa, walkPte, walkLevel, walkPteAddr, levelsOf, permitted, canonical, pageFaultCause } from './walk';
import { ramContains, ramHost, pageFlags } from '../mem/bus';

// Live fast-TLB blocks, read by the interpreter on every access.
export let readBlock: usize = 0;
export let writeBlock: usize = 0;
export let fetchBlock: usize = 0;
let dataRegime: i32 = REGIME_BARE;
let fetchRegime: i32 = REGIME_BARE;
let dataPriv: i32 = PRV_M;

/** Result of translate(). */
export let xlatePa: u64 = 0;

@inline function regimeFor(p: i32, satpMode: i32): i32 {
  if (p == PRV_M || satpMode == 0) return REGIME_BARE;
  return p == PRV_S ? REGIME_S : REGIME_U;
}

/** Recomputes the live regimes from priv, mstatus.MPRV/MPP and satp. Call after any of them changes. */
export function refreshRegime(): void {
  const p = <i32>load<u64>(S_priv);
  const ms = load<u64>(S_mstatus);
  const mode = <i32>(load<u64>(S_satp) >> 60);
  dataPriv = p == PRV_M && (ms & MSTATUS_MPRV) != 0 ? <i32>((ms >> MSTATUS_MPP_SHIFT) & 3) : p;
  dataRegime = regimeFor(dataPriv, mode);
  fetchRegime = regimeFor(p, mode);
  readBlock = fastBlock(dataRegime, 0);
  writeBlock = fastBlock(dataRegime, 1);
  fetchBlock = fastBlock(fetchRegime, 2);
}

@inline function count(base: usize, type: i32): void {
  const a = base + (<usize>type << 3);
  store<u64>(a, load<u64>(a) + 1);
}

/**
 * Translates vaddr for an access of `type`. Returns ST_OK with xlatePa set, or ST_TRAP with the
 * page fault (or access fault on a page-table reference) recorded.
 */
export function translate(vaddr: u64, type: i32): i32 {
  const effPriv = type == ACCESS_FETCH ? <i32>load<u64>(S_priv) : dataPriv;
  const satp = load<u64>(S_satp);
  const mode = <i32>(satp >> 60);
  if (effPriv == PRV_M || mode == 0) { xlatePa = vaddr; return ST_OK; }
  const levels = levelsOf(mode);
  // Checked before the TLB, whose tags keep only the address's low bits.
  if (!canonical(vaddr, levels)) {
    store<u64>(S_cnt_pageFaults, load<u64>(S_cnt_pageFaults) + 1);
    return raise(pageFaultCause(type), vaddr);
  }
  const asid = <u32>((satp >> 44) & 0xffff);
  const ms = load<u64>(S_mstatus);
  const sum = (ms & MSTATUS_SUM) != 0;
  const mxr = (ms & MSTATUS_MXR) != 0;
  const hit = tlbLookup(vaddr, asid, levels);
  if (hit) {
    const need = PTE_A | (type == ACCESS_WRITE ? PTE_D : 0);
    if (permitted(<u64>hitPte, type, effPriv, sum, mxr) && (<u64>hitPte & need) == need) {
      count(S_cnt_tlbHits, type);
      xlatePa = hitPa;
      return ST_OK;
    }
  }
  count(S_cnt_tlbMisses, type);
  const cause = walk(vaddr, type, effPriv, satp, sum, mxr, true);
  if (cause != WALK_OK) return raise(cause, vaddr);
  // The walk's result replaces a cached entry that did not allow this access (its PTE may differ).
  if (hit) tlbInvalidate(hitEntry, levels);
  const pageBytes = <u64>1 << (12 + <u64>walkLevel * 9);
  tlbInsert(vaddr, asid, levels, walkLevel, walkPte, walkPa & ~(pageBytes - 1), walkPteAddr);
  xlatePa = walkPa;
  return ST_OK;
}

/**
 * After a successful data translation of vaddr -> pa: cache it in the fast TLB when the whole page
 * is plain RAM (and, for writes, not a CODE or WATCHED page).
 */
export function fastFillData(vaddr: u64, pa: u64, type: i32): void {
  const pagePa = pa & ~0xfff;
  if (!ramContains(pagePa, 4096)) return;
  if (type == ACCESS_WRITE && pageFlags(pagePa) != 0) return;
  const block = type == ACCESS_WRITE ? writeBlock : readBlock;
  fastFill(block, vaddr, <u64>ramHost(pagePa) - (vaddr & ~0xfff));
}

/** Caches vaddr's page -> decoded page in the live fetch block. */
export function fastFillFetch(vaddr: u64, decodedPage: usize): void {
  fastFill(fetchBlock, vaddr, <u64>decodedPage);
}

