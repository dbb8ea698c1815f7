// Address translation for the slow paths: regime selection (which fast-TLB blocks are live), the
// modelled TLB, the walker, and filling the fast TLB with what may be cached there. With V=1 (or
// for HLV/HSV) translation is two-stage: the TLB caches the combined guest-virtual to host-physical
// translation, tagged with the VMID, the ASID and V.
import {
  S_priv, S_virt, S_mstatus, S_satp, S_vsatp, S_hgatp, S_vsstatus, S_tlbTagged,
  S_cnt_tlbHits, S_cnt_tlbMisses, S_cnt_tlbFlushSwitch, S_cnt_pageFaults,
} from '../gen/layout';
import {
  PRV_M, PRV_S, MSTATUS_MPRV, MSTATUS_MPP_SHIFT, MSTATUS_MPV, MSTATUS_SUM, MSTATUS_MXR, PTE_A, PTE_D,
  ACCESS_WRITE, ACCESS_FETCH, ST_OK, HGATP_VMID_SHIFT, HGATP_VMID_MASK, PRV_U,
} from '../cpu/defs';
import { raise, raiseGuest, inc64 } from '../state';
import { REGIME_BARE, REGIME_S, REGIME_U, REGIME_VS, REGIME_VU, fastBlock, fastFill } from './fast-tlb';
import { tlbLookup, tlbInsert, tlbInvalidate, tlbFlushAll, hitPa, hitPte, hitPteG, hitEntry, CTX_VIRT, CTX_NO_VS } from './tlb';
import {
  walk, WALK_OK, walkPa, walkPte, walkPteG, walkLevel, walkLevelG, walkPteAddr, levelsOf, permitted,
  canonical, pageFaultCause, guestPageFaultCause, faultGpa, faultImplicit, faultImplicitWrite, WALK_NOT_PRESENT, walkAbsentPa,
} from './walk';
import { notPresent } from '../mem/absent';
import { ramContains, ramHost, pageFlags } from '../mem/bus';
import { foldGuestHits, countGuestLookup } from './tlb-counters';

// Live fast-TLB blocks, read by the interpreter on every access.
export let readBlock: usize = 0;
export let writeBlock: usize = 0;
export let fetchBlock: usize = 0;
let dataPriv: i32 = PRV_M;
let dataVirt: bool = false;
/** The TLB context (ctx tag and ASID) seen last: an untagged TLB is flushed when it changes. */
let lastContext: u64 = 0;
/** The VMID the guest regimes' fast-TLB hits are being counted for. */
let countedVmid: u64 = 0;

/** hgatp's VMID now. */
@inline export function currentVmid(): u64 { return (load<u64>(S_hgatp) >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK; }

/** Result of translate(). */
export let xlatePa: u64 = 0;

@inline function atpMode(reg: usize): i32 { return <i32>(load<u64>(reg) >> 60); }

function regimeFor(p: i32, v: bool): i32 {
  if (p == PRV_M) return REGIME_BARE;
  if (v) {
    if (atpMode(S_vsatp) == 0 && atpMode(S_hgatp) == 0) return REGIME_BARE;
    return p == PRV_S ? REGIME_VS : REGIME_VU;
  }
  if (atpMode(S_satp) == 0) return REGIME_BARE;
  return p == PRV_S ? REGIME_S : REGIME_U;
}

/**
 * Recomputes the live regimes from priv, V, mstatus.MPRV/MPP/MPV and the address-translation
 * registers. Call after any of them changes.
 */
export function refreshRegime(): void {
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  const ms = load<u64>(S_mstatus);
  if (p == PRV_M && (ms & MSTATUS_MPRV) != 0) {
    dataPriv = <i32>((ms >> MSTATUS_MPP_SHIFT) & 3);
    dataVirt = dataPriv != PRV_M && (ms & MSTATUS_MPV) != 0;
  } else {
    dataPriv = p;
    dataVirt = v;
  }
  const dataRegime = regimeFor(dataPriv, dataVirt);
  readBlock = fastBlock(dataRegime, 0);
  writeBlock = fastBlock(dataRegime, 1);
  fetchBlock = fastBlock(regimeFor(p, v), 2);
  const vmid = currentVmid();
  if (vmid != countedVmid) { foldGuestHits(countedVmid); countedVmid = vmid; }
  if (load<u64>(S_tlbTagged) == 0) flushOnSwitch(v);
}

/**
 * Untagged TLB: any change of V, the host's ASID, the VMID or the guest's ASID empties it, as on
 * hardware without ASIDs or VPIDs (where the hypervisor must flush on every world switch).
 */
function flushOnSwitch(v: bool): void {
  // One word of disjoint fields: satp MODE|ASID (bits 19:0), vsatp MODE|ASID (39:20), VMID (57:44), V (63)
  const ctx = (v ? <u64>1 << 63 : 0) | (load<u64>(S_satp) >> 44) | ((load<u64>(S_vsatp) >> 44) << 20) |
    (load<u64>(S_hgatp) & (<u64>0x3fff << 44));
  if (ctx == lastContext) return;
  lastContext = ctx;
  tlbFlushAll();
  inc64(S_cnt_tlbFlushSwitch);
}

@inline function asidOf(atp: u64): u32 { return <u32>((atp >> 44) & 0xffff); }

/** The TLB context tag: 0 for the host; for a guest V, the VMID, and whether vsatp is Bare. */
@inline function contextTag(v: bool): u64 {
  if (!v) return 0;
  return CTX_VIRT | currentVmid() | (atpMode(S_vsatp) == 0 ? CTX_NO_VS : 0);
}

@inline function count(base: usize, type: i32): void {
  const a = base + (<usize>type << 3);
  store<u64>(a, load<u64>(a) + 1);
}

/**
 * Translates vaddr for an access of `type` by the current privilege and V (data accesses honour
 * MPRV). Returns ST_OK with xlatePa set, or ST_TRAP with the fault recorded.
 */
export function translate(vaddr: u64, type: i32): i32 {
  if (type == ACCESS_FETCH) return translateAs(vaddr, type, <i32>load<u64>(S_priv), load<u64>(S_virt) != 0, false);
  return translateAs(vaddr, type, dataPriv, dataVirt, false);
}

/**
 * Translates vaddr as privilege `effPriv` with V = `v` (HLV/HSV choose these themselves; `hlvx`:
 * execute permission stands in for read).
 */
export function translateAs(vaddr: u64, type: i32, effPriv: i32, v: bool, hlvx: bool): i32 {
  if (effPriv == PRV_M) { xlatePa = vaddr; return ST_OK; }
  const ms = load<u64>(S_mstatus);
  let atp: u64, hgatp: u64 = 0, levels: i32, sum: bool, mxr: bool;
  if (v) {
    atp = load<u64>(S_vsatp);
    hgatp = load<u64>(S_hgatp);
    if ((atp >> 60) == 0 && (hgatp >> 60) == 0) { xlatePa = vaddr; return ST_OK; }
    const vss = load<u64>(S_vsstatus);
    sum = (vss & MSTATUS_SUM) != 0;
    mxr = ((vss | ms) & MSTATUS_MXR) != 0;
    levels = levelsOf(<i32>((atp >> 60) != 0 ? atp >> 60 : hgatp >> 60));
  } else {
    atp = load<u64>(S_satp);
    if ((atp >> 60) == 0) { xlatePa = vaddr; return ST_OK; }
    sum = (ms & MSTATUS_SUM) != 0;
    mxr = (ms & MSTATUS_MXR) != 0;
    levels = levelsOf(<i32>(atp >> 60));
  }
  const vsBare = (atp >> 60) == 0;
  // Checked before the TLB, whose tags keep only the address's page number.
  if (!vsBare && !canonical(vaddr, levels)) {
    store<u64>(S_cnt_pageFaults, load<u64>(S_cnt_pageFaults) + 1);
    return v ? raiseGuest(pageFaultCause(type), vaddr, 0, 0) : raise(pageFaultCause(type), vaddr);
  }
  const asid = asidOf(atp);
  const ctx = <u16>contextTag(v);
  const gMxr = (ms & MSTATUS_MXR) != 0;
  const twoStage = v && (hgatp >> 60) != 0; // V=1 with hgatp = Bare is a single (VS) stage
  const hit = tlbLookup(vaddr, asid, ctx, levels);
  if (hit && hitAllows(type, effPriv, sum, mxr, gMxr, vsBare, twoStage, hlvx)) {
    count(S_cnt_tlbHits, type);
    if (v) countGuestLookup(currentVmid(), true);
    xlatePa = hitPa;
    return ST_OK;
  }
  count(S_cnt_tlbMisses, type);
  if (v) countGuestLookup(currentVmid(), false);
  const cause = walk(vaddr, type, effPriv, atp, sum, mxr, true, hgatp, gMxr, hlvx);
  if (cause != WALK_OK) return cause == WALK_NOT_PRESENT ? notPresent(walkAbsentPa) : fault(cause, vaddr, type, v);
  // The walk's result replaces a cached entry that did not allow this access (its PTE may differ).
  if (hit) tlbInvalidate(hitEntry);
  const level = !twoStage ? walkLevel : vsBare ? walkLevelG : min(walkLevel, walkLevelG);
  const pageBytes = <u64>1 << (12 + <u64>level * 9);
  tlbInsert(vaddr, asid, ctx, level, walkPte, twoStage ? walkPteG : 0, walkPa & ~(pageBytes - 1), walkPteAddr);
  xlatePa = walkPa;
  return ST_OK;
}

/** Whether a TLB hit allows the access: the (guest's) leaf, and for a two-stage translation the G-stage leaf (a U-mode access). */
@inline function hitAllows(type: i32, effPriv: i32, sum: bool, mxr: bool, gMxr: bool, vsBare: bool, twoStage: bool, hlvx: bool): bool {
  const need = PTE_A | (type == ACCESS_WRITE ? PTE_D : 0);
  if (!vsBare && (!permitted(<u64>hitPte, type, effPriv, sum, mxr, hlvx) || (<u64>hitPte & need) != need)) return false;
  if (twoStage && (!permitted(<u64>hitPteG, type, PRV_U, false, gMxr, hlvx) || (<u64>hitPteG & need) != need)) return false;
  return true;
}

/** Records a failed walk: a guest-page fault carries its guest physical address and htinst pseudo-instruction. */
function fault(cause: i32, vaddr: u64, type: i32, v: bool): i32 {
  if (!v) return raise(cause, vaddr);
  if (cause != guestPageFaultCause(type)) return raiseGuest(cause, vaddr, 0, 0);
  // Implicit accesses of the VS-stage walk report the spec's pseudo-instructions: a 64-bit PTE
  // read (0x3000) or write (0x3020, the A/D update).
  const tinst: u64 = faultImplicit ? (faultImplicitWrite ? 0x3020 : 0x3000) : 0;
  return raiseGuest(cause, vaddr, faultGpa, tinst);
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
