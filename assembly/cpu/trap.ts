// Trap delivery (the one place exceptions and interrupts are taken), interrupt selection, the
// return instructions and WFI. Delegation follows medeleg/mideleg as in the privileged spec.
import {
  S_priv, S_pc, S_mstatus, S_medeleg, S_mideleg, S_mie, S_mip, S_mtvec, S_mepc, S_mcause, S_mtval,
  S_stvec, S_sepc, S_scause, S_stval, S_reservation, S_exitOnException, S_exitOnWfi, S_exitCause,
  S_exitTval, S_cnt_exceptions, S_cnt_interrupts, S_cnt_cycles, S_misa, S_wallClock,
} from '../gen/layout';
import {
  PRV_U, PRV_S, PRV_M, MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP,
  MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_TSR, MSTATUS_TW, MIP_WRITABLE, MISA_C,
  CAUSE_ILLEGAL_INSTRUCTION, EXIT_TRAP, EXIT_WFI, ST_OK, ST_RESYNC,
} from './defs';
import { closeChunk, raise, trapCause, trapTval } from '../state';
import { requestExit } from '../exit';
import { clintPending, cyclesUntilTimer } from '../dev/clint';
import { plicAsserts } from '../dev/plic';
import { refreshRegime } from '../mmu/translate';

/** mip as software sees it: the writable bits plus what the CLINT and the PLIC drive. */
export function mipValue(): u64 {
  let v = (load<u64>(S_mip) & MIP_WRITABLE) | clintPending();
  if (plicAsserts(0)) v |= 1 << 11; // MEIP
  if (plicAsserts(1)) v |= 1 << 9; // SEIP (or'ed with the software-written bit)
  return v;
}

/** Interrupt priority order of the privileged spec: MEI, MSI, MTI, SEI, SSI, STI. */
const PRIORITY: StaticArray<i32> = [11, 3, 7, 9, 1, 5];

function highest(pending: u64): i32 {
  for (let i = 0; i < PRIORITY.length; i++) {
    const irq = unchecked(PRIORITY[i]);
    if (((pending >> <u64>irq) & 1) != 0) return irq;
  }
  return -1;
}

/** The interrupt to take now, or -1: pending, enabled in mie, and globally enabled for its target mode. */
export function pendingInterrupt(): i32 {
  const pending = mipValue() & load<u64>(S_mie);
  if (pending == 0) return -1;
  const p = <i32>load<u64>(S_priv);
  const ms = load<u64>(S_mstatus);
  const deleg = load<u64>(S_mideleg);
  const toM = pending & ~deleg;
  if (toM != 0 && (p < PRV_M || (ms & MSTATUS_MIE) != 0)) return highest(toM);
  const toS = pending & deleg;
  if (toS != 0 && (p < PRV_S || (p == PRV_S && (ms & MSTATUS_SIE) != 0))) return highest(toS);
  return -1;
}

/** Alignment of xepc and jump targets: 2 with C, 4 without. */
@inline export function pcAlignMask(): u64 { return (load<u64>(S_misa) & MISA_C) != 0 ? 1 : 3; }

/** Enters the trap handler for `cause` taken at `pc`; the new pc is left in S_pc. */
export function takeTrap(cause: u64, tval: u64, pc: u64, interrupt: bool): void {
  closeChunk();
  store<u64>(S_reservation, u64.MAX_VALUE);
  const p = <i32>load<u64>(S_priv);
  const deleg = load<u64>(interrupt ? S_mideleg : S_medeleg);
  const causeReg = interrupt ? cause | (<u64>1 << 63) : cause;
  let ms = load<u64>(S_mstatus);
  const vectorOffset: u64 = interrupt ? cause << 2 : 0;
  if (p <= PRV_S && ((deleg >> cause) & 1) != 0) {
    store<u64>(S_scause, causeReg);
    store<u64>(S_sepc, pc);
    store<u64>(S_stval, tval);
    ms = (ms & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP)) |
      ((ms & MSTATUS_SIE) != 0 ? MSTATUS_SPIE : 0) | (p == PRV_S ? MSTATUS_SPP : 0);
    const tvec = load<u64>(S_stvec);
    store<u64>(S_pc, (tvec & ~3) + ((tvec & 1) != 0 ? vectorOffset : 0));
    store<u64>(S_priv, PRV_S);
  } else {
    store<u64>(S_mcause, causeReg);
    store<u64>(S_mepc, pc);
    store<u64>(S_mtval, tval);
    ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP)) |
      ((ms & MSTATUS_MIE) != 0 ? MSTATUS_MPIE : 0) | (<u64>p << MSTATUS_MPP_SHIFT);
    const tvec = load<u64>(S_mtvec);
    store<u64>(S_pc, (tvec & ~3) + ((tvec & 1) != 0 ? vectorOffset : 0));
    store<u64>(S_priv, PRV_M);
  }
  store<u64>(S_mstatus, ms);
  const counter = interrupt ? S_cnt_interrupts : S_cnt_exceptions;
  store<u64>(counter, load<u64>(counter) + 1);
  refreshRegime();
}

/**
 * Delivers the pending exception raised by the instruction at pc, or leaves the core when the exit
 * controls ask for this cause. ST_OK: the handler's pc is in S_pc.
 */
export function deliverException(pc: u64): i32 {
  const cause = trapCause;
  if (((load<u64>(S_exitOnException) >> <u64>cause) & 1) != 0) {
    store<u64>(S_exitCause, <u64>cause);
    store<u64>(S_exitTval, trapTval);
    return requestExit(EXIT_TRAP);
  }
  takeTrap(<u64>cause, trapTval, pc, false);
  return ST_OK;
}

/** MRET: ST_OK with the new pc in S_pc, or ST_TRAP (illegal below M). */
export function mret(insn: u32): i32 {
  if (<i32>load<u64>(S_priv) != PRV_M) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  closeChunk();
  let ms = load<u64>(S_mstatus);
  const mpp = (ms >> MSTATUS_MPP_SHIFT) & 3;
  ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP)) | ((ms & MSTATUS_MPIE) != 0 ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
  if (mpp != <u64>PRV_M) ms &= ~MSTATUS_MPRV;
  store<u64>(S_mstatus, ms);
  store<u64>(S_priv, mpp);
  store<u64>(S_pc, load<u64>(S_mepc) & ~pcAlignMask());
  refreshRegime();
  return ST_OK;
}

/** SRET: illegal in U, and in S when mstatus.TSR is set. */
export function sret(insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  let ms = load<u64>(S_mstatus);
  if (p == PRV_U || (p == PRV_S && (ms & MSTATUS_TSR) != 0)) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  closeChunk();
  const spp = (ms & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
  ms = (ms & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | ((ms & MSTATUS_SPIE) != 0 ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
  store<u64>(S_mstatus, ms);
  store<u64>(S_priv, spp);
  store<u64>(S_pc, load<u64>(S_sepc) & ~pcAlignMask());
  refreshRegime();
  return ST_OK;
}

/**
 * WFI: illegal in U, and in S with mstatus.TW. Completes at once when an interrupt is pending;
 * otherwise time skips to the next timer interrupt, or the core exits when nothing can wake it.
 */
export function wfi(insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  if (p == PRV_U || (p == PRV_S && (load<u64>(S_mstatus) & MSTATUS_TW) != 0)) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
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
