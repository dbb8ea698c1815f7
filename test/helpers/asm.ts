/**
 * A tiny RISC-V assembler for tests: one encoder per instruction of spec/opcodes.mjs (RV64I, M, A,
 * Zicsr, Zifencei, the privileged instructions) and every RV64C instruction, `li` for any 64-bit
 * constant, and a two-pass `Program` builder with labels.
 *
 * Operand order follows the GNU assembler's text, so `lw(a0, 8, a1)` is `lw a0, 8(a1)`,
 * `sw(a0, 8, a1)` is `sw a0, 8(a1)` and `amoadd_w(a0, a1, a2)` is `amoadd.w a0, a1, (a2)`.
 * Branch and jump offsets are byte offsets from the instruction itself. Encoders check their
 * operands (register range, immediate range and alignment, the register classes of RVC) and throw
 * on anything the real assembler would reject; reserved encodings are written as raw bits in tests.
 * test/isa/asm.test.ts compares the encoders with riscv64-unknown-elf-as.
 */

export type Reg = number;

// ABI register names
export const zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, fp = 8, s1 = 9;
export const a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17;
export const s2 = 18, s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, s8 = 24, s9 = 25, s10 = 26, s11 = 27;
export const t3 = 28, t4 = 29, t5 = 30, t6 = 31;
export const ABI_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

export class AsmError extends Error {}

function reg(r: Reg, what = 'register'): number {
  if (!Number.isInteger(r) || r < 0 || r > 31) throw new AsmError(`${what} x${r} out of range`);
  return r;
}
/** A signed immediate of `bits` bits, a multiple of `align`. */
function simm(v: number, bits: number, align = 1, what = 'immediate'): number {
  const lim = 2 ** (bits - 1);
  if (!Number.isInteger(v) || v < -lim || v >= lim || v % align !== 0) {
    throw new AsmError(`${what} ${v} is not a signed ${bits}-bit value${align > 1 ? ` aligned to ${align}` : ''}`);
  }
  return v;
}
/** An unsigned immediate below 2^bits, a multiple of `align`. */
function uimm(v: number, bits: number, align = 1, what = 'immediate'): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits || v % align !== 0) {
    throw new AsmError(`${what} ${v} is not an unsigned ${bits}-bit value${align > 1 ? ` aligned to ${align}` : ''}`);
  }
  return v;
}
/** Bits hi..lo of v (v may be negative: two's complement). */
const bits = (v: number, hi: number, lo: number) => (v >> lo) & ((1 << (hi - lo + 1)) - 1);

// ---------------------------------------------------------------------------------------------
// Formats (32-bit)

export function rType(op: number, f3: number, f7: number, rd: Reg, rs1: Reg, rs2: Reg): number {
  return ((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
}
export function iType(op: number, f3: number, rd: Reg, rs1: Reg, imm: number): number {
  simm(imm, 12);
  return (((imm & 0xfff) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
}
export function sType(op: number, f3: number, rs1: Reg, rs2: Reg, imm: number): number {
  simm(imm, 12);
  return ((bits(imm, 11, 5) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (bits(imm, 4, 0) << 7) | op) >>> 0;
}
export function bType(f3: number, rs1: Reg, rs2: Reg, off: number): number {
  simm(off, 13, 2, 'branch offset');
  return ((bits(off, 12, 12) << 31) | (bits(off, 10, 5) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) |
    (bits(off, 4, 1) << 8) | (bits(off, 11, 11) << 7) | 0x63) >>> 0;
}
/** U-type with the 20-bit upper immediate as the assembler writes it (0..0xfffff). */
export function uType(op: number, rd: Reg, imm20: number): number {
  uimm(imm20, 20, 1, 'upper immediate');
  return ((imm20 << 12) | (reg(rd) << 7) | op) >>> 0;
}
export function jType(rd: Reg, off: number): number {
  simm(off, 21, 2, 'jump offset');
  return ((bits(off, 20, 20) << 31) | (bits(off, 10, 1) << 21) | (bits(off, 11, 11) << 20) | (bits(off, 19, 12) << 12) |
    (reg(rd) << 7) | 0x6f) >>> 0;
}

const OP = 0x33, OP_32 = 0x3b, OP_IMM = 0x13, OP_IMM_32 = 0x1b, LOAD = 0x03, STORE = 0x23, SYSTEM = 0x73;
const MISC_MEM = 0x0f, AMO = 0x2f;

// ---------------------------------------------------------------------------------------------
// RV64I

export const lui = (rd: Reg, imm20: number) => uType(0x37, rd, imm20);
export const auipc = (rd: Reg, imm20: number) => uType(0x17, rd, imm20);
export const jal = (rd: Reg, off: number) => jType(rd, off);
export const jalr = (rd: Reg, rs1: Reg, imm = 0) => iType(0x67, 0, rd, rs1, imm);
export const beq = (rs1: Reg, rs2: Reg, off: number) => bType(0, rs1, rs2, off);
export const bne = (rs1: Reg, rs2: Reg, off: number) => bType(1, rs1, rs2, off);
export const blt = (rs1: Reg, rs2: Reg, off: number) => bType(4, rs1, rs2, off);
export const bge = (rs1: Reg, rs2: Reg, off: number) => bType(5, rs1, rs2, off);
export const bltu = (rs1: Reg, rs2: Reg, off: number) => bType(6, rs1, rs2, off);
export const bgeu = (rs1: Reg, rs2: Reg, off: number) => bType(7, rs1, rs2, off);

const load = (f3: number) => (rd: Reg, off: number, rs1: Reg) => iType(LOAD, f3, rd, rs1, off);
export const lb = load(0), lh = load(1), lw = load(2), ld = load(3), lbu = load(4), lhu = load(5), lwu = load(6);
const store = (f3: number) => (rs2: Reg, off: number, rs1: Reg) => sType(STORE, f3, rs1, rs2, off);
export const sb = store(0), sh = store(1), sw = store(2), sd = store(3);

const opImm = (f3: number) => (rd: Reg, rs1: Reg, imm: number) => iType(OP_IMM, f3, rd, rs1, imm);
export const addi = opImm(0), slti = opImm(2), sltiu = opImm(3), xori = opImm(4), ori = opImm(6), andi = opImm(7);
export const addiw = (rd: Reg, rs1: Reg, imm: number) => iType(OP_IMM_32, 0, rd, rs1, imm);

const shift64 = (f3: number, f6: number) => (rd: Reg, rs1: Reg, shamt: number) =>
  ((f6 << 26) | (uimm(shamt, 6, 1, 'shift amount') << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | OP_IMM) >>> 0;
export const slli = shift64(1, 0), srli = shift64(5, 0), srai = shift64(5, 0x10);
const shift32 = (f3: number, f7: number) => (rd: Reg, rs1: Reg, shamt: number) =>
  ((f7 << 25) | (uimm(shamt, 5, 1, 'shift amount') << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | OP_IMM_32) >>> 0;
export const slliw = shift32(1, 0), srliw = shift32(5, 0), sraiw = shift32(5, 0x20);

const op = (f3: number, f7: number, opc = OP) => (rd: Reg, rs1: Reg, rs2: Reg) => rType(opc, f3, f7, rd, rs1, rs2);
export const add = op(0, 0), sub = op(0, 0x20), sll = op(1, 0), slt = op(2, 0), sltu = op(3, 0), xor = op(4, 0);
export const srl = op(5, 0), sra = op(5, 0x20), or = op(6, 0), and = op(7, 0);
export const addw = op(0, 0, OP_32), subw = op(0, 0x20, OP_32), sllw = op(1, 0, OP_32), srlw = op(5, 0, OP_32);
export const sraw = op(5, 0x20, OP_32);

/** fence pred, succ: sets of 'iorw' letters (default: fence iorw, iorw). */
export function fence(pred = 'iorw', succ = 'iorw'): number {
  const set = (s: string) => {
    if (!/^[iorw]*$/.test(s)) throw new AsmError(`bad fence set ${s}`);
    return (s.includes('i') ? 8 : 0) | (s.includes('o') ? 4 : 0) | (s.includes('r') ? 2 : 0) | (s.includes('w') ? 1 : 0);
  };
  return ((set(pred) << 24) | (set(succ) << 20) | MISC_MEM) >>> 0;
}
export const fence_i = () => 0x0000100f;
export const ecall = () => 0x00000073;
export const ebreak = () => 0x00100073;

// ---------------------------------------------------------------------------------------------
// Zicsr: csrrw rd, csr, rs1 / csrrwi rd, csr, uimm

const csrOp = (f3: number, immediate: boolean) => (rd: Reg, csr: number, src: number) => {
  uimm(csr, 12, 1, 'CSR number');
  const s = immediate ? uimm(src, 5, 1, 'CSR immediate') : reg(src);
  return ((csr << 20) | (s << 15) | (f3 << 12) | (reg(rd) << 7) | SYSTEM) >>> 0;
};
export const csrrw = csrOp(1, false), csrrs = csrOp(2, false), csrrc = csrOp(3, false);
export const csrrwi = csrOp(5, true), csrrsi = csrOp(6, true), csrrci = csrOp(7, true);
// The usual pseudo-instructions
export const csrr = (rd: Reg, csr: number) => csrrs(rd, csr, 0);
export const csrw = (csr: number, rs: Reg) => csrrw(0, csr, rs);
export const csrs = (csr: number, rs: Reg) => csrrs(0, csr, rs);
export const csrc = (csr: number, rs: Reg) => csrrc(0, csr, rs);
export const csrwi = (csr: number, u: number) => csrrwi(0, csr, u);
export const csrsi = (csr: number, u: number) => csrrsi(0, csr, u);
export const csrci = (csr: number, u: number) => csrrci(0, csr, u);

// ---------------------------------------------------------------------------------------------
// M

export const mul = op(0, 1), mulh = op(1, 1), mulhsu = op(2, 1), mulhu = op(3, 1);
export const div = op(4, 1), divu = op(5, 1), rem = op(6, 1), remu = op(7, 1);
export const mulw = op(0, 1, OP_32), divw = op(4, 1, OP_32), divuw = op(5, 1, OP_32), remw = op(6, 1, OP_32);
export const remuw = op(7, 1, OP_32);

// ---------------------------------------------------------------------------------------------
// A: amo<op>.{w,d} rd, rs2, (rs1) with optional aq/rl; lr.{w,d} rd, (rs1); sc.{w,d} rd, rs2, (rs1)

export interface Ordering { aq?: boolean; rl?: boolean }
function amoEnc(f5: number, f3: number, rd: Reg, rs2: Reg, rs1: Reg, o: Ordering = {}): number {
  return ((f5 << 27) | ((o.aq ? 1 : 0) << 26) | ((o.rl ? 1 : 0) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) |
    (reg(rd) << 7) | AMO) >>> 0;
}
const amoOp = (f5: number, f3: number) => (rd: Reg, rs2: Reg, rs1: Reg, o?: Ordering) => amoEnc(f5, f3, rd, rs2, rs1, o);
export const lr_w = (rd: Reg, rs1: Reg, o?: Ordering) => amoEnc(0x02, 2, rd, 0, rs1, o);
export const lr_d = (rd: Reg, rs1: Reg, o?: Ordering) => amoEnc(0x02, 3, rd, 0, rs1, o);
export const sc_w = amoOp(0x03, 2), sc_d = amoOp(0x03, 3);
export const amoswap_w = amoOp(0x01, 2), amoadd_w = amoOp(0x00, 2), amoxor_w = amoOp(0x04, 2), amoand_w = amoOp(0x0c, 2);
export const amoor_w = amoOp(0x08, 2), amomin_w = amoOp(0x10, 2), amomax_w = amoOp(0x14, 2), amominu_w = amoOp(0x18, 2);
export const amomaxu_w = amoOp(0x1c, 2);
export const amoswap_d = amoOp(0x01, 3), amoadd_d = amoOp(0x00, 3), amoxor_d = amoOp(0x04, 3), amoand_d = amoOp(0x0c, 3);
export const amoor_d = amoOp(0x08, 3), amomin_d = amoOp(0x10, 3), amomax_d = amoOp(0x14, 3), amominu_d = amoOp(0x18, 3);
export const amomaxu_d = amoOp(0x1c, 3);

// ---------------------------------------------------------------------------------------------
// Privileged

export const mret = () => 0x30200073;
export const sret = () => 0x10200073;
export const wfi = () => 0x10500073;
export const sfence_vma = (rs1: Reg = 0, rs2: Reg = 0) => rType(SYSTEM, 0, 0x09, 0, rs1, rs2);

// Hypervisor extension: the fences, and the virtual-machine loads (funct7 and the rs2 field select
// the width and form) and stores (funct7 selects the width).
export const hfence_vvma = (rs1: Reg = 0, rs2: Reg = 0) => rType(SYSTEM, 0, 0x11, 0, rs1, rs2);
export const hfence_gvma = (rs1: Reg = 0, rs2: Reg = 0) => rType(SYSTEM, 0, 0x31, 0, rs1, rs2);
const hlvOp = (funct7: number, form: number) => (rd: Reg, rs1: Reg) => rType(SYSTEM, 4, funct7, rd, rs1, form);
export const hlv_b = hlvOp(0x30, 0), hlv_bu = hlvOp(0x30, 1), hlv_h = hlvOp(0x32, 0), hlv_hu = hlvOp(0x32, 1);
export const hlvx_hu = hlvOp(0x32, 3), hlv_w = hlvOp(0x34, 0), hlv_wu = hlvOp(0x34, 1), hlvx_wu = hlvOp(0x34, 3);
export const hlv_d = hlvOp(0x36, 0);
const hsvOp = (funct7: number) => (rs2: Reg, rs1: Reg) => rType(SYSTEM, 4, funct7, 0, rs1, rs2);
export const hsv_b = hsvOp(0x31), hsv_h = hsvOp(0x33), hsv_w = hsvOp(0x35), hsv_d = hsvOp(0x37);

// ---------------------------------------------------------------------------------------------
// RV64C (16-bit). rd'/rs1'/rs2' operands are full register numbers and must be x8..x15.

function creg(r: Reg): number {
  if (!Number.isInteger(r) || r < 8 || r > 15) throw new AsmError(`x${r} is not one of x8..x15 (a compressed register)`);
  return r - 8;
}
function nonzero(r: Reg, what: string): number {
  if (reg(r) === 0) throw new AsmError(`${what}: register must not be x0`);
  return r;
}
const ciw = (f3: number, imm: number, rd: number, q: number) => ((f3 << 13) | imm | (rd << 2) | q) >>> 0;

/** c.addi4spn rd', sp, nzuimm (4..1020, multiple of 4) */
export function c_addi4spn(rd: Reg, nzuimm: number): number {
  uimm(nzuimm, 10, 4);
  if (nzuimm === 0) throw new AsmError('c.addi4spn: immediate must not be 0');
  return ciw(0, (bits(nzuimm, 5, 4) << 11) | (bits(nzuimm, 9, 6) << 7) | (bits(nzuimm, 2, 2) << 6) | (bits(nzuimm, 3, 3) << 5), creg(rd), 0);
}
// CL/CS with 4-byte scale (lw/sw): offset[5:3] at 12:10, [2] at 6, [6] at 5
const clsW = (f3: number) => (r: Reg, off: number, base: Reg) => {
  uimm(off, 7, 4);
  return ((f3 << 13) | (bits(off, 5, 3) << 10) | (creg(base) << 7) | (bits(off, 2, 2) << 6) | (bits(off, 6, 6) << 5) | (creg(r) << 2)) >>> 0;
};
// with 8-byte scale (ld/sd/fld/fsd): offset[5:3] at 12:10, [7:6] at 6:5
const clsD = (f3: number) => (r: Reg, off: number, base: Reg) => {
  uimm(off, 8, 8);
  return ((f3 << 13) | (bits(off, 5, 3) << 10) | (creg(base) << 7) | (bits(off, 7, 6) << 5) | (creg(r) << 2)) >>> 0;
};
/** c.fld fd', off(rs1') — the register is an FP register number (f8..f15). No D on this hart: illegal. */
export const c_fld = clsD(1);
export const c_lw = clsW(2);
export const c_ld = clsD(3);
export const c_fsd = clsD(5);
export const c_sw = clsW(6);
export const c_sd = clsD(7);

// CI format: imm[5] at 12, imm[4:0] at 6:2
const ci = (f3: number, rd: number, imm6: number, q: number) =>
  ((f3 << 13) | (bits(imm6, 5, 5) << 12) | (rd << 7) | (bits(imm6, 4, 0) << 2) | q) >>> 0;

export const c_nop = () => 0x0001;
/** c.addi rd, nzimm (rd != 0, nzimm != 0: the others are hints the assembler refuses) */
export function c_addi(rd: Reg, imm: number): number {
  simm(imm, 6);
  if (imm === 0) throw new AsmError('c.addi: immediate must not be 0');
  return ci(0, nonzero(rd, 'c.addi'), imm, 1);
}
export const c_addiw = (rd: Reg, imm: number) => ci(1, nonzero(rd, 'c.addiw'), simm(imm, 6), 1);
export const c_li = (rd: Reg, imm: number) => ci(2, nonzero(rd, 'c.li'), simm(imm, 6), 1);
/** c.addi16sp sp, nzimm (-512..496, multiple of 16, not 0) */
export function c_addi16sp(imm: number): number {
  simm(imm, 10, 16);
  if (imm === 0) throw new AsmError('c.addi16sp: immediate must not be 0');
  return ((3 << 13) | (bits(imm, 9, 9) << 12) | (2 << 7) | (bits(imm, 4, 4) << 6) | (bits(imm, 6, 6) << 5) |
    (bits(imm, 8, 7) << 3) | (bits(imm, 5, 5) << 2) | 1) >>> 0;
}
/**
 * c.lui rd, imm20 — imm20 as the assembler writes it: 1..0x1f or 0xfffe0..0xfffff (the 6-bit
 * signed nzimm[17:12]); rd not x0 or x2.
 */
export function c_lui(rd: Reg, imm20: number): number {
  uimm(imm20, 20);
  const v = imm20 >= 0x80000 ? imm20 - 0x100000 : imm20;
  simm(v, 6, 1, 'c.lui immediate');
  if (v === 0) throw new AsmError('c.lui: immediate must not be 0');
  if (rd === 0 || rd === 2) throw new AsmError('c.lui: rd must not be x0 or x2');
  return ci(3, reg(rd), v, 1);
}
const cShift = (f2: number) => (rd: Reg, shamt: number) => {
  uimm(shamt, 6);
  if (shamt === 0) throw new AsmError('compressed shift amount must not be 0');
  return ((4 << 13) | (bits(shamt, 5, 5) << 12) | (f2 << 10) | (creg(rd) << 7) | (bits(shamt, 4, 0) << 2) | 1) >>> 0;
};
export const c_srli = cShift(0), c_srai = cShift(1);
export const c_andi = (rd: Reg, imm: number) =>
  ((4 << 13) | (bits(simm(imm, 6), 5, 5) << 12) | (2 << 10) | (creg(rd) << 7) | (bits(imm, 4, 0) << 2) | 1) >>> 0;
const ca = (b12: number, f2: number) => (rd: Reg, rs2: Reg) =>
  ((4 << 13) | (b12 << 12) | (3 << 10) | (creg(rd) << 7) | (f2 << 5) | (creg(rs2) << 2) | 1) >>> 0;
export const c_sub = ca(0, 0), c_xor = ca(0, 1), c_or = ca(0, 2), c_and = ca(0, 3), c_subw = ca(1, 0), c_addw = ca(1, 1);
/** c.j offset (-2048..2046, even) */
export function c_j(off: number): number {
  simm(off, 12, 2, 'jump offset');
  return ((5 << 13) | (bits(off, 11, 11) << 12) | (bits(off, 4, 4) << 11) | (bits(off, 9, 8) << 9) | (bits(off, 10, 10) << 8) |
    (bits(off, 6, 6) << 7) | (bits(off, 7, 7) << 6) | (bits(off, 3, 1) << 3) | (bits(off, 5, 5) << 2) | 1) >>> 0;
}
const cb = (f3: number) => (rs1: Reg, off: number) => {
  simm(off, 9, 2, 'branch offset');
  return ((f3 << 13) | (bits(off, 8, 8) << 12) | (bits(off, 4, 3) << 10) | (creg(rs1) << 7) | (bits(off, 7, 6) << 5) |
    (bits(off, 2, 1) << 3) | (bits(off, 5, 5) << 2) | 1) >>> 0;
};
export const c_beqz = cb(6), c_bnez = cb(7);

export function c_slli(rd: Reg, shamt: number): number {
  uimm(shamt, 6);
  if (shamt === 0) throw new AsmError('c.slli: shift amount must not be 0');
  return ci(0, nonzero(rd, 'c.slli'), shamt, 2);
}
/** c.fldsp fd, off(sp) — FP register number; illegal on this hart (no D). */
export const c_fldsp = (rd: Reg, off: number) =>
  ((1 << 13) | (bits(uimm(off, 9, 8), 5, 5) << 12) | (reg(rd) << 7) | (bits(off, 4, 3) << 5) | (bits(off, 8, 6) << 2) | 2) >>> 0;
export const c_lwsp = (rd: Reg, off: number) =>
  ((2 << 13) | (bits(uimm(off, 8, 4), 5, 5) << 12) | (nonzero(rd, 'c.lwsp') << 7) | (bits(off, 4, 2) << 4) | (bits(off, 7, 6) << 2) | 2) >>> 0;
export const c_ldsp = (rd: Reg, off: number) =>
  ((3 << 13) | (bits(uimm(off, 9, 8), 5, 5) << 12) | (nonzero(rd, 'c.ldsp') << 7) | (bits(off, 4, 3) << 5) | (bits(off, 8, 6) << 2) | 2) >>> 0;
export const c_jr = (rs1: Reg) => ((4 << 13) | (nonzero(rs1, 'c.jr') << 7) | 2) >>> 0;
export const c_mv = (rd: Reg, rs2: Reg) => ((4 << 13) | (nonzero(rd, 'c.mv') << 7) | (nonzero(rs2, 'c.mv') << 2) | 2) >>> 0;
export const c_ebreak = () => 0x9002;
export const c_jalr = (rs1: Reg) => ((4 << 13) | (1 << 12) | (nonzero(rs1, 'c.jalr') << 7) | 2) >>> 0;
export const c_add = (rd: Reg, rs2: Reg) => ((4 << 13) | (1 << 12) | (nonzero(rd, 'c.add') << 7) | (nonzero(rs2, 'c.add') << 2) | 2) >>> 0;
/** c.fsdsp fs2, off(sp) — FP register; illegal on this hart. */
export const c_fsdsp = (rs2: Reg, off: number) =>
  ((5 << 13) | (bits(uimm(off, 9, 8), 5, 3) << 10) | (bits(off, 8, 6) << 7) | (reg(rs2) << 2) | 2) >>> 0;
export const c_swsp = (rs2: Reg, off: number) =>
  ((6 << 13) | (bits(uimm(off, 8, 4), 5, 2) << 9) | (bits(off, 7, 6) << 7) | (reg(rs2) << 2) | 2) >>> 0;
export const c_sdsp = (rs2: Reg, off: number) =>
  ((7 << 13) | (bits(uimm(off, 9, 8), 5, 3) << 10) | (bits(off, 8, 6) << 7) | (reg(rs2) << 2) | 2) >>> 0;

// ---------------------------------------------------------------------------------------------
// li: any 64-bit constant

const sext12 = (v: bigint) => BigInt.asIntN(12, v);

/**
 * The instructions that load `value` (taken modulo 2^64) into rd, using only rd: lui/addi(w) for
 * 32-bit signed values, else the upper part recursively, shifted left, plus the low 12 bits.
 */
export function li(rd: Reg, value: bigint | number): number[] {
  nonzero(rd, 'li');
  const v = BigInt.asIntN(64, BigInt(value));
  if (v >= -(1n << 31n) && v < (1n << 31n)) {
    const lo = Number(sext12(v));
    const hi = Number(BigInt.asUintN(20, (v - BigInt(lo)) >> 12n));
    if (hi === 0) return [addi(rd, 0, lo)];
    return lo === 0 ? [lui(rd, hi)] : [lui(rd, hi), addiw(rd, rd, lo)];
  }
  const lo = sext12(v);
  let hi = BigInt.asIntN(64, v - lo) >> 12n;
  let shamt = 12;
  while ((hi & 1n) === 0n) { hi >>= 1n; shamt++; }
  const seq = [...li(rd, hi), slli(rd, rd, shamt)];
  if (lo !== 0n) seq.push(addi(rd, rd, Number(lo)));
  return seq;
}

// ---------------------------------------------------------------------------------------------
// Bytes

/** Little-endian bytes of 32-bit words. */
export function words(ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}
/** Little-endian bytes of 16-bit halfwords. */
export function halves(hs: number[]): Uint8Array {
  const out = new Uint8Array(hs.length * 2);
  const v = new DataView(out.buffer);
  hs.forEach((h, i) => v.setUint16(i * 2, h & 0xffff, true));
  return out;
}
/** Little-endian bytes of 64-bit values. */
export function dwords(ds: bigint[]): Uint8Array {
  const out = new Uint8Array(ds.length * 8);
  const v = new DataView(out.buffer);
  ds.forEach((d, i) => v.setBigUint64(i * 8, BigInt.asUintN(64, d), true));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Program: a two-pass builder with labels

type Emitter = (pc: bigint, label: (name: string) => bigint) => number | number[];
interface Item { at: number; size: number; gen: Emitter; half: boolean }

/**
 * Instructions and data at a base address, with labels resolved in a second pass:
 *
 *   const p = new Program(RAM_BASE);
 *   p.label('loop').i(addi(a0, a0, -1)).b(bnez(a0), 'loop')  // b: branch to a label
 *   p.bytes()
 */
export class Program {
  private items: Item[] = [];
  private labels = new Map<string, number>();
  private size = 0;
  constructor(readonly base: bigint = 0x8000_0000n) {}

  /** Current address. */
  get here(): bigint { return this.base + BigInt(this.size); }
  /** Current offset from the base. */
  get offset(): number { return this.size; }

  /** Defines a label at the current address. */
  label(name: string): this {
    if (this.labels.has(name)) throw new AsmError(`label ${name} defined twice`);
    this.labels.set(name, this.size);
    return this;
  }
  /** Address of a label (after everything is emitted). */
  addr(name: string): bigint {
    const o = this.labels.get(name);
    if (o === undefined) throw new AsmError(`undefined label ${name}`);
    return this.base + BigInt(o);
  }

  /** 32-bit instructions (words or sequences). */
  i(...ws: (number | number[])[]): this {
    for (const w of ws.flat()) this.push(4, () => w, false);
    return this;
  }
  /** 16-bit instructions. */
  c(...hs: number[]): this {
    for (const h of hs) this.push(2, () => h, true);
    return this;
  }
  /** A 32-bit instruction computed from its pc and the labels, e.g. p.at((pc, L) => jal(ra, Number(L('f') - pc))). */
  at(gen: Emitter, size = 4): this {
    this.push(size, gen, size === 2);
    return this;
  }
  /** A branch/jump to a label: `make` receives the byte offset, e.g. p.b((o) => beq(a0, a1, o), 'done'). */
  b(make: (off: number) => number, target: string, size: 2 | 4 = 4): this {
    return this.at((pc, L) => make(Number(L(target) - pc)), size);
  }
  /** la rd, label: auipc + addi. */
  la(rd: Reg, target: string): this {
    this.push(8, (pc, L) => {
      const d = BigInt.asIntN(64, L(target) - pc);
      const lo = sext12(d);
      return [auipc(rd, Number(BigInt.asUintN(20, (d - lo) >> 12n))), addi(rd, rd, Number(lo))];
    }, false);
    return this;
  }
  /** li rd, value. */
  li(rd: Reg, value: bigint | number): this { return this.i(li(rd, value)); }
  /** Raw data. */
  data(bytes: Uint8Array): this {
    const copy = Array.from(bytes);
    this.push(copy.length, () => copy, false, true);
    return this;
  }
  d64(...vs: bigint[]): this { return this.data(dwords(vs)); }
  /** Pads with zero bytes to a multiple of `n`. */
  align(n: number): this {
    const pad = (n - (this.size % n)) % n;
    return pad ? this.data(new Uint8Array(pad)) : this;
  }
  /** Pads with zero bytes up to offset `off` from the base. */
  org(off: number): this {
    if (off < this.size) throw new AsmError(`org 0x${off.toString(16)} is behind the current offset 0x${this.size.toString(16)}`);
    return this.data(new Uint8Array(off - this.size));
  }

  private rawItems = new Set<Item>();
  private push(size: number, gen: Emitter, half: boolean, raw = false): void {
    const it = { at: this.size, size, gen, half };
    if (raw) this.rawItems.add(it);
    this.items.push(it);
    this.size += size;
  }

  /** The assembled image. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    const v = new DataView(out.buffer);
    const L = (n: string) => this.addr(n);
    for (const it of this.items) {
      const r = it.gen(this.base + BigInt(it.at), L);
      if (this.rawItems.has(it)) { out.set(r as number[], it.at); continue; }
      const ws = Array.isArray(r) ? r : [r];
      if (it.half) v.setUint16(it.at, (ws[0] as number) & 0xffff, true);
      else ws.forEach((w, k) => v.setUint32(it.at + 4 * k, w >>> 0, true));
    }
    return out;
  }
}
