/**
 * The instructions the translator emits, encoded. Operands are checked (a translator bug must
 * never become a wrong instruction), and `li` builds any 64-bit constant the way assemblers do.
 */
export class EncodeError extends Error {}

const reg = (r: number): number => {
  if (!Number.isInteger(r) || r < 0 || r > 31) throw new EncodeError(`no register x${r}`);
  return r;
};
const simm = (v: number, bits: number, align = 1): number => {
  if (!Number.isInteger(v) || v < -(2 ** (bits - 1)) || v >= 2 ** (bits - 1) || v % align !== 0) throw new EncodeError(`${v} is not a signed ${bits}-bit immediate${align > 1 ? ` aligned to ${align}` : ''}`);
  return v;
};

const iType = (op: number, f3: number, rd: number, rs1: number, imm: number) =>
  (((simm(imm, 12) & 0xfff) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
const rType = (f7: number, f3: number, rd: number, rs1: number, rs2: number) =>
  ((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | 0x33) >>> 0;

export const addi = (rd: number, rs1: number, imm: number) => iType(0x13, 0, rd, rs1, imm);
export const addiw = (rd: number, rs1: number, imm: number) => iType(0x1b, 0, rd, rs1, imm);
export const xori = (rd: number, rs1: number, imm: number) => iType(0x13, 4, rd, rs1, imm);
export const ori = (rd: number, rs1: number, imm: number) => iType(0x13, 6, rd, rs1, imm);
export const andi = (rd: number, rs1: number, imm: number) => iType(0x13, 7, rd, rs1, imm);
export const slli = (rd: number, rs1: number, sh: number) => {
  if (!Number.isInteger(sh) || sh < 0 || sh > 63) throw new EncodeError(`shift ${sh} out of range`);
  return ((sh << 20) | (reg(rs1) << 15) | (1 << 12) | (reg(rd) << 7) | 0x13) >>> 0;
};
export const srli = (rd: number, rs1: number, sh: number) => (slli(rd, rs1, sh) | (4 << 12)) >>> 0;
export const add = (rd: number, rs1: number, rs2: number) => rType(0, 0, rd, rs1, rs2);
export const or = (rd: number, rs1: number, rs2: number) => rType(0, 6, rd, rs1, rs2);
export const and = (rd: number, rs1: number, rs2: number) => rType(0, 7, rd, rs1, rs2);
export const xor = (rd: number, rs1: number, rs2: number) => rType(0, 4, rd, rs1, rs2);
export const ld = (rd: number, off: number, rs1: number) => iType(0x03, 3, rd, rs1, off);
export const sd = (rs2: number, off: number, rs1: number) => {
  const imm = simm(off, 12);
  return ((((imm >> 5) & 0x7f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
};
export const lui = (rd: number, imm20: number) => {
  if (!Number.isInteger(imm20) || imm20 < 0 || imm20 > 0xfffff) throw new EncodeError(`upper immediate ${imm20} out of range`);
  return ((imm20 << 12) | (reg(rd) << 7) | 0x37) >>> 0;
};
export const jal = (rd: number, off: number) => {
  const o = simm(off, 21, 2);
  return ((((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) | (((o >> 12) & 0xff) << 12) | (reg(rd) << 7) | 0x6f) >>> 0;
};
export const jalr = (rd: number, rs1: number, off: number) => iType(0x67, 0, rd, rs1, off);
/** A conditional branch with funct3 `f3` (beq 0, bne 1, blt 4, bge 5, bltu 6, bgeu 7). */
export const branch = (f3: number, rs1: number, rs2: number, off: number) => {
  const o = simm(off, 13, 2);
  return ((((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) |
    (((o >> 1) & 15) << 8) | (((o >> 11) & 1) << 7) | 0x63) >>> 0;
};
/** A conditional branch's encoding with another offset. */
export const retarget = (insn: number, off: number) => branch((insn >>> 12) & 7, (insn >>> 15) & 31, (insn >>> 20) & 31, off);
export const beq = (rs1: number, rs2: number, off: number) => branch(0, rs1, rs2, off);
export const bne = (rs1: number, rs2: number, off: number) => branch(1, rs1, rs2, off);
export const ECALL = 0x00000073;

const sext12 = (v: bigint): bigint => BigInt.asIntN(12, v);

/** The shortest lui/addi(w)/slli sequence that puts the 64-bit constant v in rd (RISC-V's `li`). */
export function li(rd: number, value: bigint): number[] {
  const v = BigInt.asIntN(64, value);
  if (v >= -(1n << 31n) && v < 1n << 31n) {
    const lo = sext12(v), hi = Number(BigInt.asUintN(20, (v - lo) >> 12n));
    if (hi === 0) return [addi(rd, 0, Number(lo))];
    return lo === 0n ? [lui(rd, hi)] : [lui(rd, hi), addiw(rd, rd, Number(lo))];
  }
  // The upper part first, shifted into place, then the low 12 bits (as LLVM's RISCVMatInt does).
  const lo = sext12(v);
  let upper = (v - lo) >> 12n, shift = 12;
  while ((upper & 1n) === 0n) { upper >>= 1n; shift++; }
  const out = [...li(rd, upper), slli(rd, rd, shift)];
  if (lo !== 0n) out.push(addi(rd, rd, Number(lo)));
  return out;
}
