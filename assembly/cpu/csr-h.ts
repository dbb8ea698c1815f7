// The hypervisor extension's CSRs: the H CSRs of HS-mode, mtval2/mtinst, and the VS CSRs that
// stand in for the S CSRs while V=1. hie/hip/hvip and vsie/vsip are views of mie and of the VS
// interrupt bits (held in hvip), as the spec defines them. GEILEN = 0: hgeip/hgeie read zero.
import {
  S_mie, S_hstatus, S_hedeleg, S_hideleg, S_hvip, S_hcounteren, S_htval, S_htinst, S_hgatp,
  S_henvcfg, S_htimedelta, S_mtval2, S_mtinst, S_vsstatus, S_vstvec, S_vsscratch, S_vsepc, S_vscause,
  S_vstval, S_vsatp,
} from '../gen/layout';
import {
  HSTATUS_WRITABLE, HSTATUS_VSXL, HEDELEG_WRITABLE, HIDELEG_WRITABLE, VS_INTERRUPTS, SSTATUS_MASK,
  SSTATUS_WRITABLE, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_RESET,
} from './defs';
import { mipValue } from './trap';
import { refreshRegime } from '../mmu/translate';
import { fastFlush, PAGED_REGIMES } from '../mmu/fast-tlb';

const VSSTATUS = 0x200, VSIE = 0x204, VSTVEC = 0x205, VSSCRATCH = 0x240, VSEPC = 0x241;
const VSCAUSE = 0x242, VSTVAL = 0x243, VSIP = 0x244, VSATP = 0x280;
const HSTATUS = 0x600, HEDELEG = 0x602, HIDELEG = 0x603, HIE = 0x604, HTIMEDELTA = 0x605;
const HCOUNTEREN = 0x606, HGEIE = 0x607, HENVCFG = 0x60a, HTVAL = 0x643, HIP = 0x644, HVIP = 0x645;
const HTINST = 0x64a, HGATP = 0x680, HGEIP = 0xe12, MTINST = 0x34a, MTVAL2 = 0x34b;

const VSSIP: u64 = 1 << 2;
/** hie/hip bits: the VS interrupts and SGEI. */
const H_INTERRUPT_VIEW: u64 = VS_INTERRUPTS | (1 << 12);
/** hgatp fields kept: MODE, a 14-bit VMID, and the PPN with its two low bits zero (16 KiB root). */
const HGATP_KEPT: u64 = (<u64>0xf << 60) | (<u64>0x3fff << 44) | 0xfff_ffff_fffc;

/** The S CSRs that a VS CSR replaces while V=1 are exactly 0x100 below it. */
export function vsAliased(csr: i32): bool {
  switch (csr) {
    case 0x100: case 0x104: case 0x105: case 0x140: case 0x141: case 0x142: case 0x143: case 0x144: case 0x180:
      return true;
  }
  return false;
}

/** Whether csr is an H or VS CSR (or mtval2/mtinst); its value is then in hValue. */
export let hValue: u64 = 0;
export function readH(csr: i32): bool {
  let v: u64 = 0;
  switch (csr) {
    case HSTATUS: v = load<u64>(S_hstatus) | HSTATUS_VSXL; break;
    case HEDELEG: v = load<u64>(S_hedeleg); break;
    case HIDELEG: v = load<u64>(S_hideleg); break;
    case HIE: v = load<u64>(S_mie) & H_INTERRUPT_VIEW; break;
    case HIP: v = mipValue() & H_INTERRUPT_VIEW; break;
    case HVIP: v = load<u64>(S_hvip) & VS_INTERRUPTS; break;
    case HTIMEDELTA: v = load<u64>(S_htimedelta); break;
    case HCOUNTEREN: v = load<u64>(S_hcounteren); break;
    case HGEIE: case HGEIP: v = 0; break;
    case HENVCFG: v = load<u64>(S_henvcfg); break;
    case HTVAL: v = load<u64>(S_htval); break;
    case HTINST: v = load<u64>(S_htinst); break;
    case HGATP: v = load<u64>(S_hgatp); break;
    case MTVAL2: v = load<u64>(S_mtval2); break;
    case MTINST: v = load<u64>(S_mtinst); break;
    case VSSTATUS: v = (load<u64>(S_vsstatus) & SSTATUS_MASK) | (MSTATUS_RESET & SSTATUS_MASK); break;
    case VSIE: v = (load<u64>(S_mie) & load<u64>(S_hideleg) & VS_INTERRUPTS) >> 1; break;
    case VSIP: v = (mipValue() & load<u64>(S_hideleg) & VS_INTERRUPTS) >> 1; break;
    case VSTVEC: v = load<u64>(S_vstvec); break;
    case VSSCRATCH: v = load<u64>(S_vsscratch); break;
    case VSEPC: v = load<u64>(S_vsepc); break;
    case VSCAUSE: v = load<u64>(S_vscause); break;
    case VSTVAL: v = load<u64>(S_vstval); break;
    case VSATP: v = load<u64>(S_vsatp); break;
    default: return false;
  }
  hValue = v;
  return true;
}

/** Writes an H or VS CSR (WARL legalisation here); false if csr is not one. */
export function writeH(csr: i32, v: u64): bool {
  switch (csr) {
    case HSTATUS: store<u64>(S_hstatus, v & HSTATUS_WRITABLE); break;
    case HEDELEG: store<u64>(S_hedeleg, v & HEDELEG_WRITABLE); break;
    case HIDELEG: store<u64>(S_hideleg, v & HIDELEG_WRITABLE); break;
    case HIE: store<u64>(S_mie, (load<u64>(S_mie) & ~VS_INTERRUPTS) | (v & VS_INTERRUPTS)); break;
    case HIP: setHvipBits(VSSIP, v); break; // only VSSIP is writable through hip
    case HVIP: setHvipBits(VS_INTERRUPTS, v); break;
    case HTIMEDELTA: store<u64>(S_htimedelta, v); break;
    case HCOUNTEREN: store<u64>(S_hcounteren, v & 0xffff_ffff); break;
    case HGEIE: case HGEIP: break;
    case HENVCFG: store<u64>(S_henvcfg, v & 1); break;
    case HTVAL: store<u64>(S_htval, v); break;
    case HTINST: store<u64>(S_htinst, v); break;
    case HGATP: setAtp(S_hgatp, v & HGATP_KEPT); break;
    case MTVAL2: store<u64>(S_mtval2, v); break;
    case MTINST: store<u64>(S_mtinst, v); break;
    case VSSTATUS: setVsstatus(v); break;
    case VSIE: {
      const m = load<u64>(S_hideleg) & VS_INTERRUPTS;
      store<u64>(S_mie, (load<u64>(S_mie) & ~m) | ((v << 1) & m));
      break;
    }
    case VSIP: setHvipBits(load<u64>(S_hideleg) & VSSIP, v << 1); break; // only SSIP, when delegated
    case VSTVEC: if ((v & 3) < 2) store<u64>(S_vstvec, v); break;
    case VSSCRATCH: store<u64>(S_vsscratch, v); break;
    case VSEPC: store<u64>(S_vsepc, v & ~1); break;
    case VSCAUSE: store<u64>(S_vscause, v); break;
    case VSTVAL: store<u64>(S_vstval, v); break;
    case VSATP: setAtp(S_vsatp, v); break;
    default: return false;
  }
  return true;
}

/** mip's VSSIP is hvip's: a write through mip lands here too. */
export function setHvipBits(mask: u64, v: u64): void {
  store<u64>(S_hvip, (load<u64>(S_hvip) & ~mask) | (v & mask));
}

function setVsstatus(v: u64): void {
  const old = load<u64>(S_vsstatus);
  const next = (old & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE);
  store<u64>(S_vsstatus, next);
  if (((old ^ next) & (MSTATUS_SUM | MSTATUS_MXR)) != 0) fastFlush(PAGED_REGIMES);
}

/**
 * satp, vsatp and hgatp: an unsupported MODE leaves the register unchanged (the spec's option for
 * all three); a change drops the fast-TLB copies, whose regimes do not carry the tags.
 */
export function setAtp(reg: usize, v: u64): void {
  const mode = v >> 60;
  if (mode != 0 && (mode < 8 || mode > 10)) return;
  const old = load<u64>(reg);
  store<u64>(reg, v);
  if (old != v) fastFlush(PAGED_REGIMES);
  refreshRegime();
}
