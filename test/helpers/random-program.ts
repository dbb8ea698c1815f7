/**
 * Random RV64IMC programs for differential runs. Each program loads random values into every
 * register, runs a random mix of ALU, M, load/store (aligned and misaligned), forward branch and
 * jump and compressed instructions that cannot trap, then prints its scratch memory and a dump of
 * all registers as hex on the UART and powers off. The same raw image runs on vmlab and QEMU.
 */

import { R, I, S, B, U, jal } from './encode.js';

import { Rng } from './rng.js';
export { Rng };

const ALU_R = [
  R(0, 0, 0x33), R(0x20, 0, 0x33), R(0, 1, 0x33), R(0, 2, 0x33), R(0, 3, 0x33), R(0, 4, 0x33), R(0, 5, 0x33),
  R(0x20, 5, 0x33), R(0, 6, 0x33), R(0, 7, 0x33), R(0, 0, 0x3b), R(0x20, 0, 0x3b), R(0, 1, 0x3b), R(0, 5, 0x3b),
  R(0x20, 5, 0x3b),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((f3) => R(1, f3, 0x33)), ...[0, 4, 5, 6, 7].map((f3) => R(1, f3, 0x3b)),
];
const ALU_I = [I(0, 0x13), I(2, 0x13), I(3, 0x13), I(4, 0x13), I(6, 0x13), I(7, 0x13), I(0, 0x1b)];
const SHIFT_I: ((rd: number, rs1: number, sh: number) => number)[] = [
  (rd, rs1, sh) => I(1, 0x13)(rd, rs1, sh & 63), (rd, rs1, sh) => I(5, 0x13)(rd, rs1, sh & 63),
  (rd, rs1, sh) => I(5, 0x13)(rd, rs1, 0x400 | (sh & 63)), (rd, rs1, sh) => I(1, 0x1b)(rd, rs1, sh & 31),
  (rd, rs1, sh) => I(5, 0x1b)(rd, rs1, sh & 31), (rd, rs1, sh) => I(5, 0x1b)(rd, rs1, 0x400 | (sh & 31)),
];
const LOADS = [0, 1, 2, 3, 4, 5, 6].map((f3) => I(f3, 0x03));
const STORES = [0, 1, 2, 3].map(S);
const BRANCHES = [0, 1, 4, 5, 6, 7].map(B);

const SP = 2; // base of the scratch area, never written by the body
const CBASE = 8; // base of compressed loads and stores (x8 = RAM + DATA + 0x100), never written either
const DATA = 0x9000; // scratch area offset from RAM base; x2 = RAM + DATA + 0x800

/** Registers the body may write (everything but x2). */
const WRITABLE = Array.from({ length: 32 }, (_, i) => i).filter((r) => r !== SP && r !== CBASE);

type Item = { bits: number; size: 2 | 4 } | { branch: (off: number) => number; skip: number; size: 2 | 4 };

/** c.beqz (f3 = 6) / c.bnez (7) on x8+rs1p, and c.j, with their scattered offset bits. */
const cbranch = (f3: number, rs1p: number, off: number) =>
  (f3 << 13) | (((off >> 8) & 1) << 12) | (((off >> 3) & 3) << 10) | (rs1p << 7) | (((off >> 6) & 3) << 5) |
  (((off >> 1) & 3) << 3) | (((off >> 5) & 1) << 2) | 1;
const cj = (off: number) =>
  (5 << 13) | (((off >> 11) & 1) << 12) | (((off >> 4) & 1) << 11) | (((off >> 8) & 3) << 9) | (((off >> 10) & 1) << 8) |
  (((off >> 6) & 1) << 7) | (((off >> 7) & 1) << 6) | (((off >> 1) & 7) << 3) | (((off >> 5) & 1) << 2) | 1;

function compressed(rng: Rng): number | undefined {
  const rd = 9 + rng.int(7), rs2 = 8 + rng.int(8); // x8 (CBASE) is never a destination
  const full = rng.pick(WRITABLE.filter((r) => r !== 0));
  const imm6 = rng.int(64);
  switch (rng.int(18)) {
    case 0: return 0x9002 | (full << 7) | ((1 + rng.int(31)) << 2); // c.add (rs2 != 0)
    case 1: return 0x8002 | (full << 7) | ((1 + rng.int(31)) << 2); // c.mv
    case 2: return 0x0001 | (full << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.addi
    case 3: return 0x4001 | (full << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.li
    case 4: return 0x2001 | (full << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.addiw
    case 5: return 0x0002 | (full << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.slli
    case 6: return 0x8001 | ((rd - 8) << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.srli
    case 7: return 0x8401 | ((rd - 8) << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.srai
    case 8: return 0x8801 | ((rd - 8) << 7) | ((imm6 & 32) << 7) | ((imm6 & 31) << 2); // c.andi
    case 9: return (0x8c01 | ((rd - 8) << 7) | (rng.int(4) << 5) | ((rs2 - 8) << 2)) >>> 0; // c.sub/xor/or/and
    case 10: return (0x9c01 | ((rd - 8) << 7) | (rng.int(2) << 5) | ((rs2 - 8) << 2)) >>> 0; // c.subw/addw
    case 11: { // c.ldsp / c.lwsp
      const d = rng.int(2) === 0;
      const off = d ? rng.int(64) * 8 : rng.int(64) * 4;
      return d ? 0x6002 | (full << 7) | (((off >> 5) & 1) << 12) | (((off >> 3) & 3) << 5) | (((off >> 6) & 7) << 2)
        : 0x4002 | (full << 7) | (((off >> 5) & 1) << 12) | (((off >> 2) & 7) << 4) | (((off >> 6) & 3) << 2);
    }
    case 12: { // c.sdsp / c.swsp
      const d = rng.int(2) === 0;
      const off = d ? rng.int(64) * 8 : rng.int(64) * 4;
      const src = rng.int(32);
      return d ? 0xe002 | (src << 2) | (((off >> 3) & 7) << 10) | (((off >> 6) & 7) << 7)
        : 0xc002 | (src << 2) | (((off >> 2) & 15) << 9) | (((off >> 6) & 3) << 7);
    }
    case 14: { // c.lw / c.ld from x8
      const d = rng.int(2) === 0;
      const off = d ? rng.int(32) * 8 : rng.int(32) * 4;
      return d ? (3 << 13) | (((off >> 3) & 7) << 10) | (((off >> 6) & 3) << 5) | ((rd - 8) << 2)
        : (2 << 13) | (((off >> 3) & 7) << 10) | (((off >> 2) & 1) << 6) | (((off >> 6) & 1) << 5) | ((rd - 8) << 2);
    }
    case 15: { // c.sw / c.sd to x8
      const d = rng.int(2) === 0;
      const off = d ? rng.int(32) * 8 : rng.int(32) * 4;
      return d ? (7 << 13) | (((off >> 3) & 7) << 10) | (((off >> 6) & 3) << 5) | ((rs2 - 8) << 2)
        : (6 << 13) | (((off >> 3) & 7) << 10) | (((off >> 2) & 1) << 6) | (((off >> 6) & 1) << 5) | ((rs2 - 8) << 2);
    }
    case 16: { // c.addi4spn: rd' = sp + nzuimm
      const u = 4 * (1 + rng.int(255));
      return (((u >> 4) & 3) << 11) | (((u >> 6) & 15) << 7) | (((u >> 2) & 1) << 6) | (((u >> 3) & 1) << 5) | ((rd - 8) << 2);
    }
    default: { // c.lui with nonzero immediate, rd not x2
      const nz = 1 + rng.int(63);
      return 0x6001 | (full << 7) | ((nz & 32) << 7) | ((nz & 31) << 2);
    }
  }
}

function bodyItem(rng: Rng): Item {
  const rd = rng.pick(WRITABLE), rs1 = rng.int(32), rs2 = rng.int(32);
  const k = rng.int(100);
  if (k < 30) return { bits: rng.pick(ALU_R)(rd, rs1, rs2), size: 4 };
  if (k < 45) return { bits: rng.pick(ALU_I)(rd, rs1, rng.int(4096) - 2048), size: 4 };
  if (k < 52) return { bits: rng.pick(SHIFT_I)(rd, rs1, rng.int(64)), size: 4 };
  if (k < 62) return { bits: rng.pick(LOADS)(rd, SP, rng.int(4096) - 2048), size: 4 };
  if (k < 70) return { bits: rng.pick(STORES)(rs2, SP, rng.int(4096) - 2048), size: 4 };
  if (k < 74) return { bits: (rng.int(2) ? U(0x37) : U(0x17))(rd, rng.int(1 << 20)), size: 4 };
  if (k < 82) { const b = rng.pick(BRANCHES); return { branch: (off) => b(rs1, rs2, off), skip: 1 + rng.int(3), size: 4 }; }
  if (k < 85) return { branch: (off) => jal(rd, off), skip: 1 + rng.int(2), size: 4 };
  if (k < 88) {
    const f3 = 6 + rng.int(2), rs1p = rng.int(8);
    return { branch: (off) => cbranch(f3, rs1p, off), skip: 1 + rng.int(3), size: 2 };
  }
  if (k < 89) return { branch: (off) => cj(off), skip: 1 + rng.int(2), size: 2 };
  const c = compressed(rng);
  return { bits: c!, size: 2 };
}

/** Emits a little-endian image from 16/32-bit parcels. */
class Image {
  bytes: number[] = [];
  get here(): number { return this.bytes.length; }
  emit(bits: number, size: 2 | 4 = 4): void {
    for (let i = 0; i < size; i++) this.bytes.push((bits >>> (8 * i)) & 0xff);
  }
  patch(at: number, bits: number, size: 2 | 4 = 4): void { for (let i = 0; i < size; i++) this.bytes[at + i] = (bits >>> (8 * i)) & 0xff; }
}

/** Builds one random program as a raw image for RAM base 0x8000_0000. */
export function randomProgram(seed: number, length = 400): Uint8Array {
  const rng = new Rng(seed);
  const img = new Image();
  const regs = Array.from({ length: 32 }, () => rng.value());
  regs[SP] = 0x8000_0000n + BigInt(DATA + 0x800);
  regs[CBASE] = 0x8000_0000n + BigInt(DATA + 0x100);
  // Prologue: x31 = RAM + 0x8000 (zero-extended), then every register from the table there.
  img.emit(U(0x37)(31, 0x80008));
  img.emit(I(1, 0x13)(31, 31, 32));
  img.emit(I(5, 0x13)(31, 31, 32));
  for (let r = 1; r <= 31; r++) img.emit(I(3, 0x03)(r, 31, r * 8));
  // Body: branches and jumps skip the next `skip` items forward.
  const items = Array.from({ length }, () => bodyItem(rng));
  const at: number[] = [];
  const pending: { pos: number; make: (off: number) => number; target: number; size: 2 | 4 }[] = [];
  items.forEach((it, i) => {
    at[i] = img.here;
    if ('bits' in it) img.emit(it.bits, it.size);
    else {
      pending.push({ pos: img.here, make: it.branch, target: Math.min(i + 1 + it.skip, items.length), size: it.size });
      img.emit(0, it.size);
    }
  });
  at[items.length] = img.here;
  for (const p of pending) img.patch(p.pos, p.make(at[p.target] - p.pos), p.size);
  emitDump(img);
  const image = new Uint8Array(0xa000);
  image.set(img.bytes);
  if (img.here > 0x8000) throw new Error('program too long');
  const view = new DataView(image.buffer);
  regs.forEach((v, r) => view.setBigUint64(0x8000 + r * 8, v, true));
  for (let i = 0; i < 0x1000; i++) image[DATA + i] = rng.int(256);
  return image;
}

/** Stores x1..x31 after the scratch area's middle, prints the area as hex words, powers off. */
function emitDump(img: Image): void {
  // Registers go to [x2 + 0x400, x2 + 0x500): part of the printed area.
  for (let r = 1; r <= 31; r++) img.emit(S(3)(r, SP, 0x400 + r * 8));
  const a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16;
  img.emit(I(0, 0x13)(a0, SP, -2048)); // a0 = start
  img.emit(U(0x37)(a1, 1)); img.emit(R(0, 0, 0x33)(a1, a1, a0)); // a1 = a0 + 4096
  img.emit(U(0x37)(a2, 0x10000)); // UART
  const loopWord = img.here;
  img.emit(I(3, 0x03)(a3, a0, 0));
  img.emit(I(0, 0x13)(a4, 0, 60));
  const loopDigit = img.here;
  img.emit(R(0, 5, 0x33)(a5, a3, a4)); // srl
  img.emit(I(7, 0x13)(a5, a5, 15));
  img.emit(I(0, 0x13)(a6, a5, -10));
  img.emit(B(4)(a6, 0, 12)); // blt a6, x0, +12 (digit)
  img.emit(I(0, 0x13)(a5, a5, 87));
  img.emit(jal(0, 8));
  img.emit(I(0, 0x13)(a5, a5, 48));
  emitPutc(img, a5, a2, a6);
  img.emit(I(0, 0x13)(a4, a4, -4));
  img.emit(B(5)(a4, 0, loopDigit - img.here)); // bge a4, x0, loopDigit
  img.emit(I(0, 0x13)(a5, 0, 10));
  emitPutc(img, a5, a2, a6);
  img.emit(I(0, 0x13)(a0, a0, 8));
  img.emit(B(4)(a0, a1, loopWord - img.here)); // blt a0, a1, loopWord
  // Wait until the transmitter is empty (LSR.TEMT), or QEMU may power off with bytes unsent.
  const drain = img.here;
  img.emit(I(4, 0x03)(a6, a2, 5));
  img.emit(I(7, 0x13)(a6, a6, 0x40));
  img.emit(B(0)(a6, 0, drain - img.here));
  img.emit(U(0x37)(a0, 0x100)); img.emit(U(0x37)(a1, 5)); img.emit(I(0, 0x1b)(a1, a1, 0x555));
  img.emit(S(2)(a1, a0, 0));
  img.emit(jal(0, 0));
}

/** Waits for THR empty (LSR bit 5), then writes the byte in `ch` to the UART at `uart`. */
function emitPutc(img: Image, ch: number, uart: number, tmp: number): void {
  const poll = img.here;
  img.emit(I(4, 0x03)(tmp, uart, 5)); // lbu tmp, 5(uart)
  img.emit(I(7, 0x13)(tmp, tmp, 0x20));
  img.emit(B(0)(tmp, 0, poll - img.here)); // beq tmp, x0, poll
  img.emit(S(0)(ch, uart, 0));
}
