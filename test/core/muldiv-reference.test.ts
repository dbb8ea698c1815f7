// M extension against a BigInt reference: edge values and 2000 random pairs (fixed seed), every
// multiply-high, division and remainder instruction including the W forms.
import { describe, it, expect } from 'vitest';
import { machineWith, RAM_BASE } from '../helpers/machine.js';
import { R, addi, ld, sd, B, jal } from '../helpers/encode.js';
import { Rng } from '../helpers/random-program.js';

const M64 = (1n << 64n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const s32 = (x: bigint) => BigInt.asUintN(64, BigInt.asIntN(32, x));
const u32 = (x: bigint) => x & 0xffff_ffffn;

/** The specification's results, computed with BigInt. */
const REFERENCE: Record<string, [number, number, (a: bigint, b: bigint) => bigint]> = {
  mul: [0x33, 0, (a, b) => (a * b) & M64],
  mulh: [0x33, 1, (a, b) => BigInt.asUintN(64, (s64(a) * s64(b)) >> 64n)],
  mulhsu: [0x33, 2, (a, b) => BigInt.asUintN(64, (s64(a) * b) >> 64n)],
  mulhu: [0x33, 3, (a, b) => (a * b) >> 64n],
  div: [0x33, 4, (a, b) => (b === 0n ? M64 : s64(a) === -(1n << 63n) && s64(b) === -1n ? a : BigInt.asUintN(64, s64(a) / s64(b)))],
  divu: [0x33, 5, (a, b) => (b === 0n ? M64 : a / b)],
  rem: [0x33, 6, (a, b) => (b === 0n ? a : s64(a) === -(1n << 63n) && s64(b) === -1n ? 0n : BigInt.asUintN(64, s64(a) % s64(b)))],
  remu: [0x33, 7, (a, b) => (b === 0n ? a : a % b)],
  mulw: [0x3b, 0, (a, b) => s32(a * b)],
  divw: [0x3b, 4, (a, b) => {
    const x = BigInt.asIntN(32, a), y = BigInt.asIntN(32, b);
    return y === 0n ? M64 : x === -(1n << 31n) && y === -1n ? s32(x) : s32(x / y);
  }],
  divuw: [0x3b, 5, (a, b) => (u32(b) === 0n ? M64 : s32(u32(a) / u32(b)))],
  remw: [0x3b, 6, (a, b) => {
    const x = BigInt.asIntN(32, a), y = BigInt.asIntN(32, b);
    return y === 0n ? s32(x) : x === -(1n << 31n) && y === -1n ? 0n : s32(x % y);
  }],
  remuw: [0x3b, 7, (a, b) => (u32(b) === 0n ? s32(a) : s32(u32(a) % u32(b)))],
};

const EDGES = [0n, 1n, 2n, M64, 1n << 63n, (1n << 63n) - 1n, 1n << 32n, 0xffff_ffffn, 0x8000_0000n, 0x7fff_ffffn, 0xffff_ffff_8000_0000n, 3n];

function pairs(): [bigint, bigint][] {
  const rng = new Rng(42);
  const out: [bigint, bigint][] = [];
  for (const a of EDGES) for (const b of EDGES) out.push([a, b]);
  for (let i = 0; i < 2000; i++) out.push([rng.value(), rng.value()]);
  return out;
}

describe('M extension against BigInt', () => {
  const table = pairs();
  for (const [name, [opcode, f3, ref]] of Object.entries(REFERENCE)) {
    it(name, async () => {
      // s1 = pairs, s2 = results, s3 = index, t1 = count; loop { a0 = op([s1], [s1 + 8]); [s2] = a0 }
      const IN = 0x10000n, OUT = 0x40000n;
      const count = table.length;
      const hi = (count + 0x800) >> 12;
      const prog = [
        0x00010497, // auipc s1, 0x10: RAM + 0x10000
        0x00040917, // auipc s2, 0x40: RAM + 0x40004
        addi(18, 18, -4),
        addi(19, 0, 0),
        ((hi << 12) | (6 << 7) | 0x37) >>> 0, // lui t1, hi
        addi(6, 6, count - (hi << 12)),
      ];
      const loop = prog.length;
      prog.push(ld(11, 9, 0), ld(12, 9, 8), R(1, f3, opcode)(10, 11, 12), sd(10, 18, 0));
      prog.push(addi(9, 9, 16), addi(18, 18, 8), addi(19, 19, 1));
      prog.push(B(1)(19, 6, (loop - prog.length) * 4)); // bne s3, t1, loop
      prog.push(jal(0, 0));
      const m = await machineWith([]);
      m.writePhys(RAM_BASE, new Uint8Array(new Uint32Array(prog).buffer));
      const data = new BigUint64Array(count * 2);
      table.forEach(([a, b], i) => { data[2 * i] = a; data[2 * i + 1] = b; });
      m.writePhys(RAM_BASE + IN, new Uint8Array(data.buffer));
      m.reset(RAM_BASE);
      m.run(prog.length + count * 10);
      expect(m.getReg(19)).toBe(BigInt(count));
      const got = new BigUint64Array(m.readPhys(RAM_BASE + OUT, count * 8).slice().buffer);
      const bad = table.findIndex(([a, b], i) => got[i] !== ref(a, b));
      if (bad >= 0) {
        const [a, b] = table[bad];
        expect.fail(`${name}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got[bad].toString(16)}, expected 0x${ref(a, b).toString(16)}`);
      }
    });
  }
});
