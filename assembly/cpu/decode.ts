// Decoding into the pre-decoded instruction cache. A slot is 16 bytes:
//   +0 op (u16)  +2 rd  +3 rs1  +4 rs2 (u8 register numbers; rd = 32, the sink, when it is x0)
//   +5 advance (instruction length * 8, the slot-pointer step)  +6 aux (u16)  +8 imm (i32)
//   +12 raw instruction bits (u32; 16 bits for compressed), kept for traps and the disassembler.
import {
  decodeOp, formatOf, OP_ILLEGAL, FMT_R, FMT_I, FMT_L, FMT_S, FMT_B, FMT_U, FMT_J, FMT_SH6, FMT_SH5,
  FMT_CSR, FMT_CSRI, FMT_AMO, FMT_LR, FMT_FENCEVMA, FMT_HSV,
} from '../gen/opcodes';
import { expandCompressed } from './rvc';

export const SLOT_BYTES: usize = 16;
/** aux bits of CSR instructions: whether rd / rs1 (or uimm) were zero, which suppress the read / write. */
export const AUX_RD_ZERO: u16 = 1;
export const AUX_RS1_ZERO: u16 = 2;

@inline function sign(v: u32, width: u32): i32 { return <i32>(v << (32 - width)) >> (32 - width); }

/** Fills `slot` for an instruction whose first halfword is `lo` and, if 32-bit, upper halfword `hi`. */
export function decodeInto(slot: usize, lo: u32, hi: u32, compressedEnabled: bool): void {
  let insn: u32;
  let len: u32;
  if ((lo & 3) == 3) {
    insn = lo | (hi << 16);
    len = 4;
  } else {
    insn = compressedEnabled ? expandCompressed(lo) : 0;
    len = 2;
  }
  const raw = len == 4 ? insn : lo;
  const op = insn == 0 ? OP_ILLEGAL : decodeOp(insn);
  fillSlot(slot, op, insn, raw, len);
}

function fillSlot(slot: usize, op: i32, insn: u32, raw: u32, len: u32): void {
  const rd = (insn >> 7) & 31;
  const rs1 = (insn >> 15) & 31;
  const rs2 = (insn >> 20) & 31;
  let imm: i32 = 0;
  let aux: u16 = 0;
  switch (formatOf(op)) {
    case FMT_I: case FMT_L: imm = <i32>insn >> 20; break;
    case FMT_S: imm = ((<i32>insn >> 25) << 5) | <i32>((insn >> 7) & 31); break;
    case FMT_B:
      imm = sign(((insn >> 31) << 12) | (((insn >> 7) & 1) << 11) | (((insn >> 25) & 63) << 5) | (((insn >> 8) & 15) << 1), 13);
      break;
    case FMT_U: imm = <i32>(insn & 0xfffff000); break;
    case FMT_J:
      imm = sign(((insn >> 31) << 20) | (((insn >> 12) & 255) << 12) | (((insn >> 20) & 1) << 11) | (((insn >> 21) & 1023) << 1), 21);
      break;
    case FMT_SH6: imm = <i32>((insn >> 20) & 63); break;
    case FMT_SH5: imm = <i32>((insn >> 20) & 31); break;
    case FMT_CSR: case FMT_CSRI:
      imm = <i32>(insn >> 20);
      aux = (rd == 0 ? AUX_RD_ZERO : 0) | (rs1 == 0 ? AUX_RS1_ZERO : 0);
      break;
    case FMT_R: case FMT_AMO: case FMT_LR: case FMT_FENCEVMA: case FMT_HSV: break;
  }
  store<u16>(slot, <u16>op);
  store<u8>(slot, rd == 0 ? 32 : rd, 2);
  store<u8>(slot, rs1, 3);
  store<u8>(slot, rs2, 4);
  store<u8>(slot, len << 3, 5);
  store<u16>(slot, aux, 6);
  store<i32>(slot, imm, 8);
  store<u32>(slot, raw, 12);
}

/** Fills `slot` with a pseudo-operation (no operands). */
export function fillPseudo(slot: usize, op: i32): void {
  store<u64>(slot, op);
  store<u64>(slot, 0, 8);
}
