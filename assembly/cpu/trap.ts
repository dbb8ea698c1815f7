// Trap delivery (the one place exceptions and interrupts are taken), interrupt selection, the
// return instructions and WFI. Routing follows the privileged spec with the hypervisor extension:
// a trap goes to M unless medeleg/mideleg delegate it; a delegated trap from V=1 goes on to VS when
// hedeleg/hideleg delegate it too, else to HS (which then learns the guest's mode from hstatus).
import {
  S_priv, S_virt, S_pc, S_mstatus, S_medeleg, S_mideleg, S_mie, S_mip, S_mtvec, S_mepc, S_mcause,
  S_mtval, S_stvec, S_sepc, S_scause, S_stval, S_reservation, S_exitOnException, S_exitOnWfi, S_cnt_exceptions,
  S_cnt_interrupts, S_cnt_trapsTo, S_cnt_cycles, S_misa, S_wallClock, S_hstatus, S_hedeleg, S_hideleg,
  S_hvip, S_htval, S_htinst, S_mtval2, S_mtinst, S_vsstatus, S_vstvec, S_vsepc, S_vscause, S_vstval,
} from '../gen/layout';
import {
  PRV_U, PRV_S, PRV_M, MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP,
  MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_TSR, MSTATUS_TW, MSTATUS_MPV, MSTATUS_GVA, MIP_WRITABLE,
  MISA_C, VS_INTERRUPTS, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_GVA, HSTATUS_VTSR, HSTATUS_VTW, GVA_CAUSES,
  IRQ_VS_SOFT, IRQ_VS_TIMER, IRQ_VS_EXT, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_VIRTUAL_INSTRUCTION,
  EXIT_TRAP, EXIT_WFI, ST_OK, ST_RESYNC,
} from './defs';
import { closeChunk, raise, trapCause, trapTval, trapGpa, trapTinst, trapGuestAccess, setTrapTinst, accessVa } from '../state';
import { transformedInstruction } from './tinst';

/** Causes of explicit-access faults whose htinst is the transformed instruction: misaligned, access, page and guest-page faults of loads and stores. */
const TINST_CAUSES: u64 = 0xA0F0 | (0xA << 20);
import { requestExit, recordTrapExit } from '../exit';
import { clintPending, cyclesUntilTimer } from '../dev/clint';
import { plicAsserts } from '../dev/plic';
import { refreshRegime } from '../mmu/translate';

/** mip as software sees it: the writable bits, what the CLINT and the PLIC drive, and hvip's VS bits. */
export function mipValue(): u64 {
  let v = (load<u64>(S_mip) & MIP_WRITABLE) | clintPending() | (load<u64>(S_hvip) & VS_INTERRUPTS);
  if (plicAsserts(0)) v |= 1 << 11; // MEIP
  if (plicAsserts(1)) v |= 1 << 9; // SEIP (or'ed with the software-written bit)
  return v;
}

/** Interrupt priority order of the privileged spec: MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI. */
const PRIORITY: StaticArray<i32> = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6];

function highest(pending: u64): i32 {
  for (let i = 0; i < PRIORITY.length; i++) {
    const irq = unchecked(PRIORITY[i]);
    if (((pending >> <u64>irq) & 1) != 0) return irq;
  }
  return -1;
}

/**
 * The interrupt to take now, or -1: pending, enabled in mie, and globally enabled for its target
 * level (M, then HS, then VS: a higher level's interrupt preempts whatever runs below it).
 */
export function pendingInterrupt(): i32 {
  const pending = mipValue() & load<u64>(S_mie);
  if (pending == 0) return -1;
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  const deleg = load<u64>(S_mideleg);
  const toM = pending & ~deleg;
  if (toM != 0 && (p < PRV_M || (load<u64>(S_mstatus) & MSTATUS_MIE) != 0)) return highest(toM);
  const hdeleg = load<u64>(S_hideleg);
  const toHS = pending & deleg & ~hdeleg;
  if (toHS != 0 && (v || p < PRV_S || (p == PRV_S && (load<u64>(S_mstatus) & MSTATUS_SIE) != 0))) return highest(toHS);
  const toVS = pending & deleg & hdeleg;
  if (toVS != 0 && v && (p < PRV_S || (load<u64>(S_vsstatus) & MSTATUS_SIE) != 0)) return highest(toVS);
  return -1;
}

/** Alignment of xepc and jump targets: 2 with C, 4 without. */
@inline export function pcAlignMask(): u64 { return (load<u64>(S_misa) & MISA_C) != 0 ? 1 : 3; }

@inline function vectored(tvec: u64, offset: u64): u64 { return (tvec & ~3) + ((tvec & 1) != 0 ? offset : 0); }

/** The sstatus-layout update of a trap into S-level: SPIE <- SIE, SIE <- 0, SPP <- the old privilege. */
@inline function enterS(status: u64, p: i32): u64 {
  return (status & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP)) |
    ((status & MSTATUS_SIE) != 0 ? MSTATUS_SPIE : 0) | (p == PRV_S ? MSTATUS_SPP : 0);
}

/**
 * Enters the trap handler for `cause` taken at `pc`; the new pc is left in S_pc. For exceptions the
 * pending-trap record (state.ts) supplies the guest physical address and htinst value.
 */
export function takeTrap(cause: u64, tval: u64, pc: u64, interrupt: bool): void {
  closeChunk();
  store<u64>(S_reservation, u64.MAX_VALUE);
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  const deleg = load<u64>(interrupt ? S_mideleg : S_medeleg);
  const intBit: u64 = interrupt ? <u64>1 << 63 : 0;
  // A guest virtual address in tval (GVA), and the guest physical address of a guest-page fault
  const gva = !interrupt && (v || trapGuestAccess) && ((GVA_CAUSES >> cause) & 1) != 0;
  const gpaField = interrupt ? 0 : trapGpa >> 2;
  const tinst = interrupt ? 0 : trapTinst;
  let target = 0;
  if (p <= PRV_S && ((deleg >> cause) & 1) != 0) {
    const hdeleg = load<u64>(interrupt ? S_hideleg : S_hedeleg);
    if (v && ((hdeleg >> cause) & 1) != 0) {
      // To VS: VS-level interrupts appear to the guest as the S-level ones (cause - 1).
      const vcause = interrupt && (cause == IRQ_VS_SOFT || cause == IRQ_VS_TIMER || cause == IRQ_VS_EXT) ? cause - 1 : cause;
      store<u64>(S_vscause, vcause | intBit);
      store<u64>(S_vsepc, pc);
      store<u64>(S_vstval, tval);
      store<u64>(S_vsstatus, enterS(load<u64>(S_vsstatus), p));
      store<u64>(S_pc, vectored(load<u64>(S_vstvec), interrupt ? vcause << 2 : 0));
      target = 2;
    } else {
      let hs = load<u64>(S_hstatus) & ~(HSTATUS_SPV | HSTATUS_GVA);
      if (v) hs = (hs & ~HSTATUS_SPVP) | HSTATUS_SPV | (p == PRV_S ? HSTATUS_SPVP : 0);
      if (gva) hs |= HSTATUS_GVA;
      store<u64>(S_hstatus, hs);
      store<u64>(S_htval, gpaField);
      store<u64>(S_htinst, tinst);
      store<u64>(S_scause, cause | intBit);
      store<u64>(S_sepc, pc);
      store<u64>(S_stval, tval);
      store<u64>(S_mstatus, enterS(load<u64>(S_mstatus), p));
      store<u64>(S_pc, vectored(load<u64>(S_stvec), interrupt ? cause << 2 : 0));
      store<u64>(S_virt, 0);
      target = 1;
    }
    store<u64>(S_priv, PRV_S);
  } else {
    let ms = load<u64>(S_mstatus);
    ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPV | MSTATUS_GVA)) |
      ((ms & MSTATUS_MIE) != 0 ? MSTATUS_MPIE : 0) | (<u64>p << MSTATUS_MPP_SHIFT) |
      (v ? MSTATUS_MPV : 0) | (gva ? MSTATUS_GVA : 0);
    store<u64>(S_mstatus, ms);
    store<u64>(S_mcause, cause | intBit);
    store<u64>(S_mepc, pc);
    store<u64>(S_mtval, tval);
    store<u64>(S_mtval2, gpaField);
    store<u64>(S_mtinst, tinst);
    store<u64>(S_pc, vectored(load<u64>(S_mtvec), interrupt ? cause << 2 : 0));
    store<u64>(S_priv, PRV_M);
    store<u64>(S_virt, 0);
  }
  const counter = interrupt ? S_cnt_interrupts : S_cnt_exceptions;
  store<u64>(counter, load<u64>(counter) + 1);
  const to = S_cnt_trapsTo + (<usize>target << 3);
  store<u64>(to, load<u64>(to) + 1);
  refreshRegime();
}

/**
 * Delivers the pending exception raised by the instruction at pc, or leaves the core when the exit
 * controls ask for this cause. ST_OK: the handler's pc is in S_pc.
 */
export function deliverException(pc: u64, insn: u32): i32 {
  const cause = trapCause;
  // A guest's explicit load/store/AMO fault: htinst gets the transformed instruction.
  if ((trapGuestAccess || load<u64>(S_virt) != 0) && trapTinst == 0 && ((TINST_CAUSES >> <u64>cause) & 1) != 0) {
    setTrapTinst(transformedInstruction(insn, trapTval - accessVa));
  }
  if (((load<u64>(S_exitOnException) >> <u64>cause) & 1) != 0) {
    recordTrapExit(<u64>cause, trapTval, trapGpa, trapTinst);
    return requestExit(EXIT_TRAP);
  }
  takeTrap(<u64>cause, trapTval, pc, false);
  return ST_OK;
}

/** Sets the privilege and V after a trap return, and jumps. */
function returnTo(priv: u64, v: bool, pc: u64): void {
  store<u64>(S_priv, priv);
  store<u64>(S_virt, v ? 1 : 0);
  store<u64>(S_pc, pc & ~pcAlignMask());
  refreshRegime();
}

/** MRET: ST_OK with the new pc in S_pc, or ST_TRAP (illegal below M). Returns into V=MPV. */
export function mret(insn: u32): i32 {
  // Illegal (not a virtual instruction) in VS/VU too: MRET would be illegal in HS-mode.
  if (<i32>load<u64>(S_priv) != PRV_M) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  closeChunk();
  let ms = load<u64>(S_mstatus);
  const mpp = (ms >> MSTATUS_MPP_SHIFT) & 3;
  const v = mpp != <u64>PRV_M && (ms & MSTATUS_MPV) != 0;
  ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPV)) | ((ms & MSTATUS_MPIE) != 0 ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
  if (mpp != <u64>PRV_M) ms &= ~MSTATUS_MPRV;
  store<u64>(S_mstatus, ms);
  returnTo(mpp, v, load<u64>(S_mepc));
  return ST_OK;
}

/** The sstatus-layout update of SRET: SIE <- SPIE, SPIE <- 1, SPP <- U. */
@inline function leaveS(status: u64): u64 {
  return (status & ~(MSTATUS_SIE | MSTATUS_SPP)) | ((status & MSTATUS_SPIE) != 0 ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
}

/**
 * SRET: from HS (or M) returns to SPP with V = hstatus.SPV; in VS it returns within the guest using
 * vsstatus and vsepc. Illegal in U and with mstatus.TSR; a virtual instruction in VU and with VTSR.
 */
export function sret(insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  let ms = load<u64>(S_mstatus);
  if (p != PRV_M && (ms & MSTATUS_TSR) != 0 && !v) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  if (v && (p == PRV_U || (load<u64>(S_hstatus) & HSTATUS_VTSR) != 0)) return raise(CAUSE_VIRTUAL_INSTRUCTION, insn);
  if (p == PRV_U) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  closeChunk();
  if (v) {
    const vs = load<u64>(S_vsstatus);
    store<u64>(S_vsstatus, leaveS(vs));
    returnTo((vs & MSTATUS_SPP) != 0 ? PRV_S : PRV_U, true, load<u64>(S_vsepc));
    return ST_OK;
  }
  const spp = (ms & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
  const hs = load<u64>(S_hstatus);
  store<u64>(S_hstatus, hs & ~HSTATUS_SPV);
  store<u64>(S_mstatus, leaveS(ms) & ~MSTATUS_MPRV);
  returnTo(spp, (hs & HSTATUS_SPV) != 0, load<u64>(S_sepc));
  return ST_OK;
}

/**
 * WFI: illegal with mstatus.TW below M and in U; a virtual instruction in VU and in VS with VTW.
 * Completes at once when an interrupt is pending; otherwise time skips to the next timer
 * interrupt, or the core exits when nothing can wake it.
 */
export function wfi(insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  if (p != PRV_M && (load<u64>(S_mstatus) & MSTATUS_TW) != 0) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  if (v && (p == PRV_U || (load<u64>(S_hstatus) & HSTATUS_VTW) != 0)) return raise(CAUSE_VIRTUAL_INSTRUCTION, insn);
  if (p == PRV_U) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  if (load<u64>(S_exitOnWfi) != 0) return requestExit(EXIT_WFI);
  if ((mipValue() & load<u64>(S_mie)) != 0) return ST_OK;
  // On the host clock time cannot be skipped, and with no timer armed nothing inside the machine
  // can wake the hart: WFI completes as a NOP (which the spec allows), as bare hardware would
  // never leave the core for it.
  if (load<u64>(S_wallClock) != 0) return ST_OK;
  const idle = cyclesUntilTimer();
  if (idle == u64.MAX_VALUE) return ST_OK;
  closeChunk();
  store<u64>(S_cnt_cycles, load<u64>(S_cnt_cycles) + idle);
  return ST_RESYNC;
}


/** Bits of a jump target that make it misaligned: bit 1 when C is off, else none (bit 0 is never set). */
export let targetMisalignBits: u64 = 0;
export function refreshAlign(): void { targetMisalignBits = (load<u64>(S_misa) & MISA_C) != 0 ? 0 : 2; }
