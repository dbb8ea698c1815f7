// M: multiplication (all four high/low forms and mulw) against BigInt products on ~2000 random
// pairs (fixed seed) plus edge values; division and remainder with the spec's special cases
// (division by zero, INT_MIN / -1) in 64- and 32-bit forms.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2 } from '../helpers/asm.js';
import { runOps, newMachine, Rng } from '../helpers/harness.js';
import { R_OPS, NEG1, INT64_MIN, INT64_MAX } from './ref.js';

type RFn = (rd: number, rs1: number, rs2: number) => number;
const ENC: Record<string, RFn> = {
  mul: A.mul, mulh: A.mulh, mulhsu: A.mulhsu, mulhu: A.mulhu, mulw: A.mulw,
  div: A.div, divu: A.divu, rem: A.rem, remu: A.remu, divw: A.divw, divuw: A.divuw, remw: A.remw, remuw: A.remuw,
};
const hex = (v: bigint) => `0x${v.toString(16)}`;

const EDGE = [0n, 1n, NEG1, INT64_MIN, INT64_MAX, 1n << 32n, 0xffff_ffffn, 0x8000_0000n, 0x7fff_ffffn, 0xffff_ffff_8000_0000n, 2n, NEG1 - 1n];
const rng = new Rng(2024);
/** Random operands of mixed magnitude: full 64-bit, 32-bit, small, negative small. */
function operand(): bigint {
  switch (rng.int(4)) {
    case 0: return rng.next64() & 0xffff_ffffn;
    case 1: return rng.next64() & 0xffn;
    case 2: return BigInt.asUintN(64, -(rng.next64() & 0xffffn));
    default: return rng.next64();
  }
}
const PAIRS: [bigint, bigint][] = [
  ...EDGE.flatMap((a) => EDGE.map((b) => [a, b] as [bigint, bigint])),
  ...Array.from({ length: 2000 }, () => [rng.next64(), rng.next64()] as [bigint, bigint]),
  ...Array.from({ length: 500 }, () => [operand(), operand()] as [bigint, bigint]),
];

async function run(op: string, pairs: [bigint, bigint][]): Promise<bigint[]> {
  const r = await runOps(pairs.map(([a, b]) => ({ in: [[a0, a], [a1, b]], code: [ENC[op](a2, a0, a1)], out: [a2] })), { machine });
  return r.map((x) => x[0]);
}
let machine: Awaited<ReturnType<typeof newMachine>>;

describe('M extension', () => {
  it('hand-computed golden values', async () => {
    machine = await newMachine();
    const golden: [string, bigint, bigint, bigint][] = [
      ['mul', INT64_MAX, 2n, NEG1 - 1n],
      ['mul', 1n << 32n, 1n << 32n, 0n],
      ['mulh', NEG1, NEG1, 0n], // (-1)(-1) = 1
      ['mulh', INT64_MIN, INT64_MIN, 1n << 62n], // 2^126
      ['mulh', INT64_MIN, 1n, NEG1],
      ['mulh', INT64_MAX, INT64_MAX, (1n << 62n) - 1n],
      ['mulhu', NEG1, NEG1, NEG1 - 1n], // (2^64-1)^2 = 2^128 - 2^65 + 1
      ['mulhu', 1n << 32n, 1n << 32n, 1n],
      ['mulhsu', NEG1, NEG1, NEG1], // -1 * (2^64-1) = -(2^64) + 1: high = -1
      ['mulhsu', 1n, NEG1, 0n],
      ['mulhsu', INT64_MIN, NEG1, INT64_MIN], // -2^63 (2^64-1) = -2^127 + 2^63: floor(/2^64) = -2^63
      ['mulw', 0x7fff_ffffn, 2n, 0xffff_ffff_ffff_fffen],
      ['mulw', 0x1_0000_0001n, 0x1_0000_0001n, 1n],
      ['mulw', 0x10000n, 0x8000n, 0xffff_ffff_8000_0000n],
      ['div', 7n, 0n, NEG1], // by zero: all ones
      ['divu', 7n, 0n, NEG1],
      ['rem', 7n, 0n, 7n], // by zero: the dividend
      ['remu', 7n, 0n, 7n],
      ['div', INT64_MIN, NEG1, INT64_MIN], // overflow: INT_MIN
      ['rem', INT64_MIN, NEG1, 0n],
      ['div', BigInt.asUintN(64, -7n), 2n, BigInt.asUintN(64, -3n)], // rounds toward zero
      ['rem', BigInt.asUintN(64, -7n), 2n, NEG1], // sign of the dividend
      ['rem', 7n, BigInt.asUintN(64, -2n), 1n],
      ['divu', NEG1, 2n, INT64_MAX],
      ['remu', NEG1, 10n, 5n],
      ['divw', 7n, 0n, NEG1],
      ['divuw', 7n, 0xffff_ffff_0000_0000n, NEG1], // the divisor's low 32 bits are 0
      ['remw', 0xffff_ffff_8000_0005n, 0n, 0xffff_ffff_8000_0005n],
      ['remw', 0x5_0000_0007n, 0n, 7n], // the dividend's low 32 bits, sign-extended
      ['remuw', 0x8000_0000n, 0n, 0xffff_ffff_8000_0000n],
      ['divw', 0x8000_0000n, 0xffff_ffffn, 0xffff_ffff_8000_0000n], // INT32_MIN / -1
      ['remw', 0x8000_0000n, 0xffff_ffffn, 0n],
      ['divw', 0xffff_ffff_ffff_fff9n, 2n, 0xffff_ffff_ffff_fffdn], // -7 / 2 = -3
      ['remw', 0xffff_ffff_ffff_fff9n, 2n, NEG1],
      ['divuw', 0xffff_ffffn, 1n, NEG1], // 0xffffffff sign-extended
      ['divuw', 0x1_0000_0010n, 0x2_0000_0004n, 4n],
      ['remuw', 0xffff_ffffn, 0x10n, 0xfn],
    ];
    const bad: string[] = [];
    for (const [op, a, b, want] of golden) {
      const [got] = await run(op, [[a, b]]);
      if (got !== want) bad.push(`${op} ${hex(a)}, ${hex(b)}: got ${hex(got)}, want ${hex(want)}`);
      if (R_OPS[op](a, b) !== want) bad.push(`reference ${op} ${hex(a)}, ${hex(b)} disagrees with the golden value`);
    }
    expect(bad).toEqual([]);
  });

  for (const op of Object.keys(ENC)) {
    it(`${op}: ${PAIRS.length} edge and random pairs match the BigInt reference`, async () => {
      machine ??= await newMachine();
      const got = await run(op, PAIRS);
      const bad: string[] = [];
      PAIRS.forEach(([a, b], k) => {
        const want = R_OPS[op](a, b);
        if (got[k] !== want && bad.length < 5) bad.push(`${op} ${hex(a)}, ${hex(b)}: got ${hex(got[k])}, want ${hex(want)}`);
      });
      expect(bad).toEqual([]);
    });
  }

  it('division by zero and overflow in every form, including divisors that are zero only in the low 32 bits', async () => {
    machine ??= await newMachine();
    const dividends = [0n, 1n, NEG1, INT64_MIN, INT64_MAX, 0x8000_0000n, 0x1234_5678_9abc_def0n];
    const zeros = [0n, 0xffff_ffff_0000_0000n]; // the W forms see 0 in both
    for (const op of ['div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw']) {
      const isW = op.endsWith('w');
      const pairs = dividends.flatMap((a) => (isW ? zeros : [0n]).map((z) => [a, z] as [bigint, bigint]));
      const got = await run(op, pairs);
      const want = pairs.map(([a]) => {
        if (op.startsWith('div')) return NEG1;
        return isW ? BigInt.asUintN(64, BigInt.asIntN(32, a)) : a;
      });
      expect(got.map(hex), op).toEqual(want.map(hex));
    }
  });
});
