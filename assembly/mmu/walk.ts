// The page-table walker, written as a ladder in the order of the privileged specification's
// algorithm (Sv39/Sv48/Sv57, section "Virtual Address Translation Process"). The same function is
// the side-effect-free debug walk (`sideEffects = false`: no A/D writes, no counters).
import { S_cnt_walks, S_cnt_walkRefs, S_cnt_walkAdWrites, S_cnt_pageFaults, S_hardwareAD } from '../gen/layout';
import {
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_RESERVED, PRV_U, PRV_S,
  ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH,
  CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
} from '../cpu/defs';
import { ramContains, ramHost, ramStoreWatched } from '../mem/bus';

export const WALK_OK: i32 = -1;

// Results of the last walk
export let walkPa: u64 = 0;
export let walkPte: u64 = 0;
export let walkLevel: i32 = 0;
export let walkPteAddr: u64 = 0;
export let walkRefs: i32 = 0;

@inline export function pageFaultCause(type: i32): i32 {
  return type == ACCESS_FETCH ? CAUSE_FETCH_PAGE_FAULT : type == ACCESS_WRITE ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}
@inline export function accessFaultCause(type: i32): i32 {
  return type == ACCESS_FETCH ? CAUSE_FETCH_ACCESS : type == ACCESS_WRITE ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;
}

/** Paging levels of a satp mode (8 Sv39, 9 Sv48, 10 Sv57). */
@inline export function levelsOf(mode: i32): i32 { return mode - 5; }

/** True when vaddr is canonical for the number of levels: bits above the VA sign-extend it. */
@inline export function canonical(vaddr: u64, levels: i32): bool {
  const vaBits = <u64>(12 + levels * 9);
  return <u64>(<i64>(vaddr << (64 - vaBits)) >> (64 - vaBits)) == vaddr;
}

/**
 * Leaf permission check (step 5): execute needs X; load needs R, or X with MXR; store needs W.
 * U-mode needs U; S-mode may touch U pages only with SUM and never execute them.
 */
export function permitted(pte: u64, type: i32, effPriv: i32, sum: bool, mxr: bool): bool {
  if (type == ACCESS_FETCH) { if ((pte & PTE_X) == 0) return false; }
  else if (type == ACCESS_WRITE) { if ((pte & PTE_W) == 0) return false; }
  else if ((pte & PTE_R) == 0 && !(mxr && (pte & PTE_X) != 0)) return false;
  if ((pte & PTE_U) != 0) {
    if (effPriv == PRV_S && (type == ACCESS_FETCH || !sum)) return false;
  } else if (effPriv == PRV_U) return false;
  return true;
}

/**
 * Walks for vaddr under `satp`. Returns WALK_OK with walkPa/walkPte/walkLevel/walkPteAddr filled,
 * or the exception cause. walkRefs counts the page-table references this walk made.
 */
export function walk(vaddr: u64, type: i32, effPriv: i32, satp: u64, sum: bool, mxr: bool, sideEffects: bool): i32 {
  const levels = levelsOf(<i32>(satp >> 60));
  walkRefs = 0;
  if (sideEffects) store<u64>(S_cnt_walks, load<u64>(S_cnt_walks) + 1);
  const r = walkSteps(vaddr, type, effPriv, satp, levels, sum, mxr, sideEffects);
  if (sideEffects) {
    store<u64>(S_cnt_walkRefs, load<u64>(S_cnt_walkRefs) + <u64>walkRefs);
    if (r == pageFaultCause(type)) store<u64>(S_cnt_pageFaults, load<u64>(S_cnt_pageFaults) + 1);
  }
  return r;
}

function walkSteps(vaddr: u64, type: i32, effPriv: i32, satp: u64, levels: i32, sum: bool, mxr: bool, sideEffects: bool): i32 {
  if (!canonical(vaddr, levels)) return pageFaultCause(type);
  // 1. a = satp.ppn * PAGESIZE, i = LEVELS - 1
  let a = (satp & 0xfff_ffff_ffff) << 12;
  let i = levels - 1;
  let pte: u64 = 0;
  let pteAddr: u64 = 0;
  while (true) {
    // 2. pte = the PTE at a + va.vpn[i] * PTESIZE; not in memory -> access fault
    pteAddr = a + (((vaddr >> (12 + <u64>i * 9)) & 0x1ff) << 3);
    if (!ramContains(pteAddr, 8)) return accessFaultCause(type);
    pte = load<u64>(ramHost(pteAddr));
    walkRefs++;
    // 3. invalid, W without R, or reserved bits -> page fault
    if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte & PTE_RESERVED) != 0) {
      return pageFaultCause(type);
    }
    // 4. a leaf has R or X; otherwise descend (A, D, U are reserved in non-leaf PTEs)
    if ((pte & (PTE_R | PTE_X)) != 0) break;
    if ((pte & (PTE_A | PTE_D | PTE_U)) != 0) return pageFaultCause(type);
    i--;
    if (i < 0) return pageFaultCause(type);
    a = ((pte >> 10) & 0xfff_ffff_ffff) << 12;
  }
  // 5. leaf permissions
  if (!permitted(pte, type, effPriv, sum, mxr)) return pageFaultCause(type);
  // 6. a superpage's low PPN fields must be zero
  const ppn = (pte >> 10) & 0xfff_ffff_ffff;
  const lowMask = (<u64>1 << (<u64>i * 9)) - 1;
  if ((ppn & lowMask) != 0) return pageFaultCause(type);
  // 7. A and D: Svade raises a page fault; with hardware updating they are set in memory
  const need = PTE_A | (type == ACCESS_WRITE ? PTE_D : 0);
  if ((pte & need) != need) {
    if (load<u64>(S_hardwareAD) == 0) return pageFaultCause(type);
    if (sideEffects) {
      pte |= need;
      ramStoreWatched(pteAddr, 8, pte);
      store<u64>(S_cnt_walkAdWrites, load<u64>(S_cnt_walkAdWrites) + 1);
    }
  }
  // 8. the physical address: superpages take the low VPN fields from the virtual address
  const pageBytes = <u64>1 << (12 + <u64>i * 9);
  walkPa = ((ppn << 12) & ~(pageBytes - 1)) | (vaddr & (pageBytes - 1));
  walkPte = pte;
  walkLevel = i;
  walkPteAddr = pteAddr;
  return WALK_OK;
}
