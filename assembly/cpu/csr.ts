// CSR access: one permission prologue (exists -> privilege -> read-only -> per-CSR predicate), one
// switch for reads and one for writes (the H and VS CSRs are in csr-h.ts). While V=1 the S CSRs
// that have VS counterparts are those counterparts. Writes report ST_RESYNC so the interpreter
// re-evaluates interrupts, timers and translation before the next instruction.
import {
  S_priv, S_mstatus, S_misa, S_medeleg, S_mideleg, S_mie, S_mip, S_mtvec, S_mscratch, S_mepc,
  S_mcause, S_mtval, S_mcounteren, S_mcountinhibit, S_menvcfg, S_stvec, S_sscratch, S_sepc,
  S_scause, S_stval, S_scounteren, S_senvcfg, S_satp, S_pmpcfg, S_pmpaddr, S_tselect,
  S_cycleOffset, S_instretOffset, S_inhibitedCycle, S_inhibitedInstret, S_virt, S_hstatus,
  S_hcounteren, S_htimedelta,
} from '../gen/layout';
import {
  PRV_M, PRV_S, PRV_U, MSTATUS_WRITABLE, MSTATUS_MPP, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM,
  SSTATUS_MASK, SSTATUS_WRITABLE, MEDELEG_WRITABLE, MIDELEG_WRITABLE, MIE_WRITABLE, MIP_WRITABLE,
  S_INTERRUPTS, MISA_C, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_VIRTUAL_INSTRUCTION, HS_FORCED_DELEG,
  HSTATUS_VTVM, ST_OK, ST_RESYNC,
} from './defs';
import { raise, setReg, instretNow, cyclesNow } from '../state';
import { mtime } from '../dev/clint';
import { mipValue, pcAlignMask, refreshAlign } from './trap';
import { refreshRegime } from '../mmu/translate';
import { fastFlush, PAGED_REGIMES } from '../mmu/fast-tlb';
import { decodedFlushAll } from './decoded-cache';
import { readH, hValue, writeH, vsAliased, setHvipBits, setAtp } from './csr-h';
import { criticalCsr } from './critical';

export const CSR_RW: i32 = 0;
export const CSR_RS: i32 = 1;
export const CSR_RC: i32 = 2;

// CSR numbers
const SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a;
const SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, SATP = 0x180;
const MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305;
const MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320, MSCRATCH = 0x340, MEPC = 0x341;
const MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344, PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0;
const TSELECT = 0x7a0, TDATA1 = 0x7a1, TDATA3 = 0x7a3;
const MCYCLE = 0xb00, MINSTRET = 0xb02, CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02;
const MVENDORID = 0xf11, MCONFIGPTR = 0xf15, HGATP = 0x680;

let readValue: u64 = 0;
/** 1 while a CSR instruction executes: it has not retired, so counters read one less. */
let executing: u64 = 0;

/** Hardware counters the unprivileged cycle/time/instret/hpmcounterN alias (0..31), or -1. */
@inline function counterIndex(csr: i32): i32 {
  if (csr >= CYCLE && csr <= CYCLE + 31) return csr - CYCLE;
  return -1;
}

/** Raw counter values (the instruction being executed has not retired yet). */
function cycleValue(): u64 {
  if ((load<u64>(S_mcountinhibit) & 1) != 0) return load<u64>(S_inhibitedCycle);
  return cyclesNow() - executing + load<u64>(S_cycleOffset);
}
function instretValue(): u64 {
  if ((load<u64>(S_mcountinhibit) & 4) != 0) return load<u64>(S_inhibitedInstret);
  return instretNow() - executing + load<u64>(S_instretOffset);
}

/** Reads a CSR into readValue; false when it does not exist. */
function read(csr: i32): bool {
  let v: u64 = 0;
  const ms = load<u64>(S_mstatus);
  switch (csr) {
    case SSTATUS: v = ms & SSTATUS_MASK; break;
    case SIE: v = load<u64>(S_mie) & load<u64>(S_mideleg) & S_INTERRUPTS; break;
    case STVEC: v = load<u64>(S_stvec); break;
    case SCOUNTEREN: v = load<u64>(S_scounteren); break;
    case SENVCFG: v = load<u64>(S_senvcfg); break;
    case SSCRATCH: v = load<u64>(S_sscratch); break;
    case SEPC: v = load<u64>(S_sepc) & ~pcAlignMask(); break;
    case SCAUSE: v = load<u64>(S_scause); break;
    case STVAL: v = load<u64>(S_stval); break;
    case SIP: v = mipValue() & load<u64>(S_mideleg) & S_INTERRUPTS; break;
    case SATP: v = load<u64>(S_satp); break;
    case MSTATUS: v = ms; break;
    case MISA: v = load<u64>(S_misa); break;
    case MEDELEG: v = load<u64>(S_medeleg); break;
    case MIDELEG: v = load<u64>(S_mideleg); break;
    case MIE: v = load<u64>(S_mie); break;
    case MTVEC: v = load<u64>(S_mtvec); break;
    case MCOUNTEREN: v = load<u64>(S_mcounteren); break;
    case MENVCFG: v = load<u64>(S_menvcfg); break;
    case MCOUNTINHIBIT: v = load<u64>(S_mcountinhibit); break;
    case MSCRATCH: v = load<u64>(S_mscratch); break;
    case MEPC: v = load<u64>(S_mepc) & ~pcAlignMask(); break;
    case MCAUSE: v = load<u64>(S_mcause); break;
    case MTVAL: v = load<u64>(S_mtval); break;
    case MIP: v = mipValue(); break;
    case TSELECT: v = 0; break; // no triggers: tdata1 reads 0, so debuggers see none
    case MCYCLE: case CYCLE: v = cycleValue(); break;
    case MINSTRET: case INSTRET: v = instretValue(); break;
    case TIME: v = mtime() + (load<u64>(S_virt) != 0 ? load<u64>(S_htimedelta) : 0); break;
    default:
      if (readH(csr)) { v = hValue; break; }
      if (csr >= PMPCFG0 && csr <= PMPCFG0 + 15) {
        if ((csr & 1) != 0) return false; // odd pmpcfg registers do not exist on RV64
        v = csr <= PMPCFG0 + 2 ? load<u64>(S_pmpcfg + (<usize>((csr - PMPCFG0) >> 1) << 3)) : 0;
      } else if (csr >= PMPADDR0 && csr <= PMPADDR0 + 63) {
        v = csr < PMPADDR0 + 16 ? load<u64>(S_pmpaddr + (<usize>(csr - PMPADDR0) << 3)) : 0;
      } else if (csr >= TDATA1 && csr <= TDATA3) v = 0;
      else if ((csr >= MCYCLE + 3 && csr <= MCYCLE + 31) || (csr >= CYCLE + 3 && csr <= CYCLE + 31)) v = 0;
      else if (csr >= 0x323 && csr <= 0x33f) v = 0; // mhpmevent3..31
      else if (csr >= MVENDORID && csr <= MCONFIGPTR) v = 0; // vendor, arch, impl, hart id 0, no config
      else return false;
  }
  readValue = v;
  return true;
}

/** Writes a CSR that exists and passed the prologue (WARL legalisation here). */
function write(csr: i32, v: u64, nextPc: u64): void {
  const ms = load<u64>(S_mstatus);
  switch (csr) {
    case SSTATUS: setMstatus((ms & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); break;
    case SIE: {
      const d = load<u64>(S_mideleg) & S_INTERRUPTS;
      store<u64>(S_mie, (load<u64>(S_mie) & ~d) | (v & d));
      break;
    }
    case STVEC: if ((v & 3) < 2) store<u64>(S_stvec, v); break;
    case SCOUNTEREN: store<u64>(S_scounteren, v & 0xffff_ffff); break;
    case SENVCFG: store<u64>(S_senvcfg, v & 1); break;
    case SSCRATCH: store<u64>(S_sscratch, v); break;
    case SEPC: store<u64>(S_sepc, v & ~1); break;
    case SCAUSE: store<u64>(S_scause, v); break;
    case STVAL: store<u64>(S_stval, v); break;
    case SIP: {
      const m = load<u64>(S_mideleg) & 2; // only SSIP, when delegated
      store<u64>(S_mip, (load<u64>(S_mip) & ~m) | (v & m));
      break;
    }
    case SATP: setAtp(S_satp, v); break;
    case MSTATUS: setMstatus((ms & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE)); break;
    case MISA: setMisa(v, nextPc); break;
    case MEDELEG: store<u64>(S_medeleg, v & MEDELEG_WRITABLE); break;
    case MIDELEG: store<u64>(S_mideleg, (v & MIDELEG_WRITABLE) | HS_FORCED_DELEG); break;
    case MIE: store<u64>(S_mie, v & MIE_WRITABLE); break;
    case MTVEC: if ((v & 3) < 2) store<u64>(S_mtvec, v); break;
    case MCOUNTEREN: store<u64>(S_mcounteren, v & 0xffff_ffff); break;
    case MENVCFG: store<u64>(S_menvcfg, v & 1); break;
    case MCOUNTINHIBIT: setCountInhibit(v & 5); break;
    case MSCRATCH: store<u64>(S_mscratch, v); break;
    case MEPC: store<u64>(S_mepc, v & ~1); break;
    case MCAUSE: store<u64>(S_mcause, v); break;
    case MTVAL: store<u64>(S_mtval, v); break;
    case MIP:
      store<u64>(S_mip, (load<u64>(S_mip) & ~MIP_WRITABLE) | (v & MIP_WRITABLE));
      setHvipBits(1 << 2, v); // mip.VSSIP is hvip.VSSIP
      break;
    case MCYCLE:
      if ((load<u64>(S_mcountinhibit) & 1) != 0) store<u64>(S_inhibitedCycle, v);
      else store<u64>(S_cycleOffset, v - cyclesNow());
      break;
    case MINSTRET:
      if ((load<u64>(S_mcountinhibit) & 4) != 0) store<u64>(S_inhibitedInstret, v);
      else store<u64>(S_instretOffset, v - instretNow());
      break;
    case TSELECT: break;
    default:
      if (writeH(csr, v)) break;
      if (csr == PMPCFG0 || csr == PMPCFG0 + 2) store<u64>(S_pmpcfg + (<usize>((csr - PMPCFG0) >> 1) << 3), v);
      else if (csr >= PMPADDR0 && csr < PMPADDR0 + 16) store<u64>(S_pmpaddr + (<usize>(csr - PMPADDR0) << 3), v & 0x3f_ffff_ffff_ffff);
      // other PMP, trigger and hpm registers are read-only zero (WARL)
  }
}

function setMstatus(v: u64): void {
  const old = load<u64>(S_mstatus);
  if ((v & MSTATUS_MPP) == (<u64>2 << 11)) v = (v & ~MSTATUS_MPP) | (old & MSTATUS_MPP); // MPP=2 reserved
  store<u64>(S_mstatus, v);
  if (((old ^ v) & (MSTATUS_SUM | MSTATUS_MXR)) != 0) fastFlush(PAGED_REGIMES);
  refreshRegime();
}

/** misa: only C can be turned off and on; not off when the next instruction is not 4-byte aligned. */
function setMisa(v: u64, nextPc: u64): void {
  const old = load<u64>(S_misa);
  let next = (old & ~MISA_C) | (v & MISA_C);
  if ((next & MISA_C) == 0 && (nextPc & 3) != 0) next = old;
  if (next == old) return;
  store<u64>(S_misa, next);
  refreshAlign();
  decodedFlushAll();
}

function setCountInhibit(v: u64): void {
  const old = load<u64>(S_mcountinhibit);
  const changed = old ^ v;
  if ((changed & 1) != 0) {
    if ((v & 1) != 0) store<u64>(S_inhibitedCycle, cyclesNow() + load<u64>(S_cycleOffset));
    else store<u64>(S_cycleOffset, load<u64>(S_inhibitedCycle) - cyclesNow());
  }
  if ((changed & 4) != 0) {
    if ((v & 4) != 0) store<u64>(S_inhibitedInstret, instretNow() + load<u64>(S_instretOffset));
    else store<u64>(S_instretOffset, load<u64>(S_inhibitedInstret) - instretNow());
  }
  store<u64>(S_mcountinhibit, v);
}

const ALLOWED: i32 = 0;
const ILLEGAL: i32 = 1;
const VIRTUAL: i32 = 2;

/**
 * Whether privilege p (with V) may access csr: ALLOWED, ILLEGAL, or VIRTUAL (a virtual-instruction
 * exception: the access is one HS-mode could make, so the hypervisor gets to emulate it).
 */
function access(csr: i32, p: i32, v: bool, writes: bool): i32 {
  if (writes && ((csr >> 10) & 3) == 3) return ILLEGAL; // read-only
  const level = (csr >> 8) & 3;
  if (level == 3 && p < PRV_M) return ILLEGAL;
  if (v) {
    if (level == 2 || (level == 1 && p == PRV_U)) return VIRTUAL;
  } else if (p < level && !(p == PRV_S && level == 2)) return ILLEGAL; // HS reaches the H CSRs
  return predicates(csr, p, v);
}

/** Counter enables (mcounteren, then hcounteren and scounteren) and the TVM/VTVM traps. */
function predicates(csr: i32, p: i32, v: bool): i32 {
  const idx = counterIndex(csr);
  if (idx >= 0 && p < PRV_M) {
    if (((load<u64>(S_mcounteren) >> <u64>idx) & 1) == 0) return ILLEGAL;
    if (v && ((load<u64>(S_hcounteren) >> <u64>idx) & 1) == 0) return VIRTUAL;
    if (p == PRV_U && ((load<u64>(S_scounteren) >> <u64>idx) & 1) == 0) return v ? VIRTUAL : ILLEGAL;
  }
  if (p == PRV_S && (csr == SATP || csr == HGATP)) {
    if (!v && (load<u64>(S_mstatus) & MSTATUS_TVM) != 0) return ILLEGAL;
    if (v && (load<u64>(S_hstatus) & HSTATUS_VTVM) != 0) return VIRTUAL;
  }
  return ALLOWED;
}

/**
 * Executes CSRRW/RS/RC(I): `src` is rs1's value or the immediate; `writes` is false for RS/RC with
 * rs1 = x0 (or uimm 0), `reads` false for RW with rd = x0. The old value goes to register `rd`.
 */
export function csrInstruction(csr: i32, kind: i32, src: u64, rd: u32, reads: bool, writes: bool, insn: u32, nextPc: u64): i32 {
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  const target = v && vsAliased(csr) ? csr + 0x100 : csr;
  executing = 1;
  const ok = read(target);
  executing = 0;
  if (!ok) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  const verdict = access(csr, p, v, writes);
  if (verdict != ALLOWED) {
    if (criticalCsr(csr, p, readValue, rd, reads, writes) == ST_OK) return ST_OK;
    return raise(verdict == VIRTUAL ? CAUSE_VIRTUAL_INSTRUCTION : CAUSE_ILLEGAL_INSTRUCTION, insn);
  }
  const old = readValue;
  if (writes) write(target, kind == CSR_RW ? src : kind == CSR_RS ? old | src : old & ~src, nextPc);
  if (reads) setReg(rd, old);
  return writes ? ST_RESYNC : ST_OK;
}

/** Host access (debugger, tests): reads a CSR regardless of privilege; false if it does not exist. */
export function csrPeek(csr: i32): bool { return read(csr); }
export function csrPeekValue(): u64 { return readValue; }
/** Host access: writes a CSR with the same legalisation as a guest write. */
export function csrPoke(csr: i32, v: u64, nextPc: u64): bool {
  if (!read(csr)) return false;
  write(csr, v, nextPc);
  return true;
}

