/**
 * Reference semantics of the RV64IM integer instructions, written from the ISA manual in BigInt
 * (unbounded integers, so no host-width shortcut can hide a wrap-around). All values are 64-bit
 * register patterns as non-negative bigints.
 */
export const MASK64 = (1n << 64n) - 1n;
export const INT64_MIN = 1n << 63n;
export const INT64_MAX = (1n << 63n) - 1n;
export const NEG1 = MASK64;

/** To an unsigned 64-bit pattern. */
export const u = (v: bigint) => BigInt.asUintN(64, v);
/** The signed value of a 64-bit pattern. */
export const s = (v: bigint) => BigInt.asIntN(64, v);
/** The low 32 bits sign-extended to 64 ("sext.w"). */
export const w = (v: bigint) => BigInt.asUintN(64, BigInt.asIntN(32, v));
/** The low 32 bits as unsigned / signed numbers. */
const u32 = (v: bigint) => BigInt.asUintN(32, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);
/** A 12-bit immediate as the 64-bit operand it stands for. */
export const imm = (i: number) => u(BigInt(i));

/** Truncating division (round toward zero), as RISC-V DIV/REM require. */
const tdiv = (a: bigint, b: bigint) => a / b; // BigInt division truncates toward zero
const trem = (a: bigint, b: bigint) => a % b; // sign of the dividend

export const R_OPS: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => u(a + b),
  sub: (a, b) => u(a - b),
  sll: (a, b) => u(a << (b & 63n)),
  slt: (a, b) => (s(a) < s(b) ? 1n : 0n),
  sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b,
  srl: (a, b) => a >> (b & 63n),
  sra: (a, b) => u(s(a) >> (b & 63n)),
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  addw: (a, b) => w(a + b),
  subw: (a, b) => w(a - b),
  sllw: (a, b) => w(a << (b & 31n)),
  srlw: (a, b) => w(u32(a) >> (b & 31n)),
  sraw: (a, b) => w(s32(a) >> (b & 31n)),
  // M
  mul: (a, b) => u(a * b),
  mulh: (a, b) => u((s(a) * s(b)) >> 64n),
  mulhsu: (a, b) => u((s(a) * b) >> 64n),
  mulhu: (a, b) => (a * b) >> 64n,
  div: (a, b) => (b === 0n ? NEG1 : s(a) === -(1n << 63n) && s(b) === -1n ? a : u(tdiv(s(a), s(b)))),
  divu: (a, b) => (b === 0n ? NEG1 : a / b),
  rem: (a, b) => (b === 0n ? a : s(a) === -(1n << 63n) && s(b) === -1n ? 0n : u(trem(s(a), s(b)))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => w(a * b),
  divw: (a, b) => (u32(b) === 0n ? NEG1 : s32(a) === -(1n << 31n) && s32(b) === -1n ? w(a) : w(tdiv(s32(a), s32(b)))),
  divuw: (a, b) => (u32(b) === 0n ? NEG1 : w(u32(a) / u32(b))),
  remw: (a, b) => (u32(b) === 0n ? w(a) : s32(a) === -(1n << 31n) && s32(b) === -1n ? 0n : w(trem(s32(a), s32(b)))),
  remuw: (a, b) => (u32(b) === 0n ? w(a) : w(u32(a) % u32(b))),
};

export const I_OPS: Record<string, (a: bigint, i: number) => bigint> = {
  addi: (a, i) => u(a + BigInt(i)),
  slti: (a, i) => (s(a) < BigInt(i) ? 1n : 0n),
  sltiu: (a, i) => (a < imm(i) ? 1n : 0n),
  xori: (a, i) => a ^ imm(i),
  ori: (a, i) => a | imm(i),
  andi: (a, i) => a & imm(i),
  addiw: (a, i) => w(a + BigInt(i)),
  slli: (a, sh) => u(a << BigInt(sh)),
  srli: (a, sh) => a >> BigInt(sh),
  srai: (a, sh) => u(s(a) >> BigInt(sh)),
  slliw: (a, sh) => w(a << BigInt(sh)),
  srliw: (a, sh) => w(u32(a) >> BigInt(sh)),
  sraiw: (a, sh) => w(s32(a) >> BigInt(sh)),
};

export const BRANCHES: Record<string, (a: bigint, b: bigint) => boolean> = {
  beq: (a, b) => a === b,
  bne: (a, b) => a !== b,
  blt: (a, b) => s(a) < s(b),
  bge: (a, b) => s(a) >= s(b),
  bltu: (a, b) => a < b,
  bgeu: (a, b) => a >= b,
};

/** Values at the edges of signed/unsigned 32- and 64-bit arithmetic and of shift amounts. */
export const EDGES: bigint[] = [
  0n, 1n, 2n, NEG1, INT64_MIN, INT64_MAX, INT64_MIN + 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn,
  0xffff_ffff_8000_0000n, 0x1_0000_0000n, 31n, 32n, 63n, 64n, u(-64n), 0x11fn, 0x5555_5555_aaaa_aaaan,
];
