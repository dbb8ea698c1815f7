// The page-table walker, written as a ladder in the order of the privileged specification's
// algorithm ("Virtual Address Translation Process"). One ladder serves every stage:
//  - single stage: Sv39/Sv48/Sv57 under satp;
//  - G-stage: Sv39x4/Sv48x4/Sv57x4 under hgatp (a 16 KiB root indexed by two more bits, guest
//    physical addresses zero-extended, leaves checked as U-mode accesses, guest-page faults);
//  - VS-stage: as the single stage, but every PTE address is a guest physical address that the
//    G-stage translates first, as is the final address: n·m + n + m references for an n-level
//    guest table over an m-level G-stage.
// The same functions are the side-effect-free debug walk (`sideEffects = false`: no A/D writes,
// no counters).
import { S_cnt_walks, S_cnt_walkRefs, S_cnt_walkRefsG, S_cnt_walkAdWrites, S_cnt_pageFaults, S_hardwareAD } from '../gen/layout';
import {
  PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_RESERVED, PRV_U, PRV_S,
  ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH,
  CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
  CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT,
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
} from '../cpu/defs';
import { ramContains, ramHost, ramStoreWatched } from '../mem/bus';
import { isAbsent } from '../mem/absent';
import { pwcOn, pwcLookup, pwcMiss, pwcInsert, ntlbOn, ntlbLookup, ntlbInsert, ntlbPte } from './walk-cache';

export const WALK_OK: i32 = -1;
/** The walk needed a page-table page that is not present (post-copy): its address is in walkAbsentPa. */
export const WALK_NOT_PRESENT: i32 = -2;
export let walkAbsentPa: u64 = 0;

// Results of the last walk (for a two-stage walk: the guest's leaf and the final host address)
export let walkPa: u64 = 0;
export let walkPte: u64 = 0;
export let walkLevel: i32 = 0;
export let walkPteAddr: u64 = 0;
/** References of the last walk, all stages. */
export let walkRefs: i32 = 0;
/** Of walkRefs: G-stage references. */
export let walkRefsG: i32 = 0;
/** For a guest-page fault: the guest physical address that faulted, and whether it was a VS-stage PTE. */
export let faultGpa: u64 = 0;
export let faultImplicit: bool = false;
/** For an implicit access's guest-page fault: true when it was the A/D update (a write), not the PTE read. */
export let faultImplicitWrite: bool = false;
/** Level and PTE of the G-stage leaf of the last two-stage walk's final address. */
export let walkLevelG: i32 = 0;
export let walkPteG: u64 = 0;

// Per-walk modifiers: the G-stage's MXR (mstatus.MXR; the VS stage gets vsstatus.MXR | mstatus.MXR)
// and HLVX, for which execute permission takes the place of read permission in both stages.
let mxrG: bool = false;
let execForRead: bool = false;

// Result of stage() for the G-stage, kept apart so a nested G walk does not clobber the VS walk.
let gPa: u64 = 0;
let gLevel: i32 = 0;
let gLeafPte: u64 = 0;

@inline export function pageFaultCause(type: i32): i32 {
  return type == ACCESS_FETCH ? CAUSE_FETCH_PAGE_FAULT : type == ACCESS_WRITE ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}
@inline export function guestPageFaultCause(type: i32): i32 {
  return type == ACCESS_FETCH ? CAUSE_FETCH_GUEST_PAGE_FAULT : type == ACCESS_WRITE ? CAUSE_STORE_GUEST_PAGE_FAULT : CAUSE_LOAD_GUEST_PAGE_FAULT;
}
@inline export function accessFaultCause(type: i32): i32 {
  return type == ACCESS_FETCH ? CAUSE_FETCH_ACCESS : type == ACCESS_WRITE ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;
}

/** Paging levels of a satp or hgatp mode (8 Sv39(x4), 9 Sv48(x4), 10 Sv57(x4)). */
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
export function permitted(pte: u64, type: i32, effPriv: i32, sum: bool, mxr: bool, hlvx: bool = false): bool {
  if (type == ACCESS_FETCH || hlvx) { if ((pte & PTE_X) == 0) return false; }
  else if (type == ACCESS_WRITE) { if ((pte & PTE_W) == 0) return false; }
  else if ((pte & PTE_R) == 0 && !(mxr && (pte & PTE_X) != 0)) return false;
  if ((pte & PTE_U) != 0) {
    if (effPriv == PRV_S && (type == ACCESS_FETCH || !sum)) return false;
  } else if (effPriv == PRV_U) return false;
  return true;
}

/**
 * Walks for vaddr under `satp`; when `hgatp` selects a G-stage, satp is the guest's vsatp and the
 * walk is two-stage, with `gMxr` the G-stage's MXR. `hlvx`: execute permission stands in for read.
 * Returns WALK_OK with walkPa/walkPte/walkLevel/walkPteAddr filled, or the exception cause (for
 * guest-page faults also faultGpa and faultImplicit).
 */
export function walk(vaddr: u64, type: i32, effPriv: i32, satp: u64, sum: bool, mxr: bool, sideEffects: bool,
  hgatp: u64 = 0, gMxr: bool = false, hlvx: bool = false): i32 {
  walkRefs = 0;
  walkRefsG = 0;
  faultImplicit = false;
  faultImplicitWrite = false;
  mxrG = gMxr;
  execForRead = hlvx;
  if (sideEffects) store<u64>(S_cnt_walks, load<u64>(S_cnt_walks) + 1);
  let r: i32;
  const vsMode = <i32>(satp >> 60);
  if (vsMode == 0) {
    // Only a G-stage (vsatp = Bare): the guest virtual address is the guest physical address.
    r = stage(vaddr, type, type, PRV_U, hgatp, false, mxrG, sideEffects, true);
    if (r == WALK_OK) { walkPa = gPa; walkLevel = gLevel; walkLevelG = gLevel; walkPteG = gLeafPte; walkPte = 0; walkPteAddr = 0; }
  } else {
    r = stage(vaddr, type, type, effPriv, satp, sum, mxr, sideEffects, false, hgatp);
  }
  if (sideEffects) {
    store<u64>(S_cnt_walkRefs, load<u64>(S_cnt_walkRefs) + <u64>walkRefs);
    store<u64>(S_cnt_walkRefsG, load<u64>(S_cnt_walkRefsG) + <u64>walkRefsG);
    if (r == pageFaultCause(type) || r == guestPageFaultCause(type)) store<u64>(S_cnt_pageFaults, load<u64>(S_cnt_pageFaults) + 1);
  }
  return r;
}

/** Translates a guest physical address through the G-stage (for the VS stage's implicit accesses). */
function throughG(gpa: u64, permType: i32, causeType: i32, hgatp: u64, sideEffects: bool, implicit: bool): i32 {
  if ((hgatp >> 60) == 0) { gPa = gpa; gLevel = 0; gLeafPte = 0xff; return WALK_OK; }
  const root = (hgatp & 0xfff_ffff_fffc) << 12;
  const useNtlb = sideEffects && ntlbOn();
  if (useNtlb) {
    const page = ntlbLookup(root, gpa);
    const need = PTE_A | (permType == ACCESS_WRITE ? PTE_D : 0);
    if (page != u64.MAX_VALUE && permitted(ntlbPte, permType, PRV_U, false, mxrG, execForRead && !implicit) && (ntlbPte & need) == need) {
      gPa = page | (gpa & 0xfff);
      gLevel = 0;
      gLeafPte = ntlbPte;
      return WALK_OK;
    }
  }
  const r = stage(gpa, permType, causeType, PRV_U, hgatp, false, mxrG, sideEffects, true, 0, implicit);
  if (r != WALK_OK && r == guestPageFaultCause(causeType)) {
    faultImplicit = implicit;
    faultImplicitWrite = implicit && permType == ACCESS_WRITE;
  }
  if (r == WALK_OK && useNtlb) ntlbInsert(root, gpa, gPa & ~0xfff, gLeafPte);
  return r;
}

/**
 * One stage of translation. `permType` is the access checked against the leaf; `causeType` the
 * access whose cause a fault reports (they differ for a VS-stage PTE read: checked as a load,
 * reported as the original access). `g` selects the G-stage rules; `hgatp` (VS stage only) the
 * G-stage that PTE addresses and the result go through.
 */
function stage(addr: u64, permType: i32, causeType: i32, effPriv: i32, atp: u64, sum: bool, mxr: bool, sideEffects: bool, g: bool, hgatp: u64 = 0, implicit: bool = false): i32 {
  const levels = levelsOf(<i32>(atp >> 60));
  const fault = g ? guestPageFaultCause(causeType) : pageFaultCause(causeType);
  // Addresses beyond the translated width: non-canonical (VA), or high bits set (GPA)
  if (g ? (addr >> <u64>(12 + levels * 9 + 2)) != 0 : !canonical(addr, levels)) {
    if (g) faultGpa = addr;
    return fault;
  }
  // 1. a = atp.ppn * PAGESIZE (the G-stage root is 16 KiB: its two low PPN bits are ignored), i = LEVELS - 1
  const root = (atp & (g ? 0xfff_ffff_fffc : 0xfff_ffff_ffff)) << 12;
  let a = root;
  let i = levels - 1;
  //    (a page-walk cache hit at level j skips straight to the level j - 1 table)
  const usePwc = sideEffects && pwcOn();
  if (usePwc) {
    let j = 1;
    for (; j < levels; j++) {
      const next = pwcLookup(g, root, j, addr);
      if (next != 0) { a = next; i = j - 1; break; }
    }
    if (j == levels) pwcMiss();
  }
  let pte: u64 = 0;
  let pteAddr: u64 = 0;
  while (true) {
    // 2. pte = the PTE at a + va.vpn[i] * PTESIZE (the G-stage root index has two more bits)
    const indexMask: u64 = g && i == levels - 1 ? 0x7ff : 0x1ff;
    pteAddr = a + (((addr >> (12 + <u64>i * 9)) & indexMask) << 3);
    let hostPteAddr = pteAddr;
    if (!g && (hgatp >> 60) != 0) {
      const r = throughG(pteAddr, ACCESS_READ, causeType, hgatp, sideEffects, true);
      if (r != WALK_OK) return r;
      hostPteAddr = gPa;
    }
    //    not in memory -> access fault
    if (!ramContains(hostPteAddr, 8)) return accessFaultCause(causeType);
    if (isAbsent(hostPteAddr)) { walkAbsentPa = hostPteAddr; return WALK_NOT_PRESENT; }
    pte = load<u64>(ramHost(hostPteAddr));
    walkRefs++;
    if (g) walkRefsG++;
    // 3. invalid, W without R, or reserved bits -> page fault
    if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte & PTE_RESERVED) != 0) {
      return g ? gFault(addr, fault) : fault;
    }
    // 4. a leaf has R or X; otherwise descend (A, D, U are reserved in non-leaf PTEs)
    if ((pte & (PTE_R | PTE_X)) != 0) break;
    if ((pte & (PTE_A | PTE_D | PTE_U)) != 0) return g ? gFault(addr, fault) : fault;
    i--;
    if (i < 0) return g ? gFault(addr, fault) : fault;
    a = ((pte >> 10) & 0xfff_ffff_ffff) << 12;
    if (usePwc) pwcInsert(g, root, i + 1, addr, a);
  }
  // 5. leaf permissions (G-stage accesses are checked as U-mode accesses)
  if (!permitted(pte, permType, effPriv, sum, mxr, execForRead && !implicit)) return g ? gFault(addr, fault) : fault;
  // 6. a superpage's low PPN fields must be zero
  const ppn = (pte >> 10) & 0xfff_ffff_ffff;
  const lowMask = (<u64>1 << (<u64>i * 9)) - 1;
  if ((ppn & lowMask) != 0) return g ? gFault(addr, fault) : fault;
  // 7. A and D: Svade raises a page fault; with hardware updating they are set in memory
  const need = PTE_A | (permType == ACCESS_WRITE ? PTE_D : 0);
  if ((pte & need) != need) {
    if (load<u64>(S_hardwareAD) == 0) return g ? gFault(addr, fault) : fault;
    if (sideEffects) {
      let hostPteAddr = pteAddr;
      if (!g && (hgatp >> 60) != 0) { // the update is a store the G-stage must allow
        const r = throughG(pteAddr, ACCESS_WRITE, causeType, hgatp, sideEffects, true);
        if (r != WALK_OK) return r;
        hostPteAddr = gPa;
      }
      pte |= need;
      ramStoreWatched(hostPteAddr, 8, pte);
      store<u64>(S_cnt_walkAdWrites, load<u64>(S_cnt_walkAdWrites) + 1);
    }
  }
  // 8. the address: superpages take the low VPN fields from the address
  const pageBytes = <u64>1 << (12 + <u64>i * 9);
  const out = ((ppn << 12) & ~(pageBytes - 1)) | (addr & (pageBytes - 1));
  if (g) { gPa = out; gLevel = i; gLeafPte = pte; return WALK_OK; }
  walkPte = pte;
  walkLevel = i;
  walkPteAddr = pteAddr;
  // A two-stage walk ends with the G-stage translation of the guest physical address.
  if ((hgatp >> 60) != 0) {
    const r = throughG(out, permType, causeType, hgatp, sideEffects, false);
    if (r != WALK_OK) return r;
    walkPa = gPa;
    walkLevelG = gLevel;
    walkPteG = gLeafPte;
    return WALK_OK;
  }
  walkPa = out;
  return WALK_OK;
}

/** A G-stage fault: remember the guest physical address for htval. */
function gFault(gpa: u64, cause: i32): i32 {
  faultGpa = gpa;
  return cause;
}
