// A: LR/SC reservations, every AMO in both widths (old value in rd, sign-extended for .W; memory
// updated with the low 32 bits of rs2 for .W, the other word untouched), and the traps of
// misaligned or non-RAM atomics.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, a4, a5, zero, Program, type Ordering } from '../helpers/asm.js';
import { runOps, runProgram, newMachine, DATA, CODE, HALT, type OpCase } from '../helpers/harness.js';
import { NEG1, INT64_MIN, INT64_MAX } from './ref.js';

type AmoFn = (rd: number, rs2: number, rs1: number, o?: Ordering) => number;
const OPS = ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'] as const;
const enc = (op: string, wd: 'w' | 'd') => (A as unknown as Record<string, AmoFn>)[`amo${op}_${wd}`];

/** The value an AMO stores, from the ISA manual: operands are the low `bits` bits. */
function amoRef(op: string, bits: 32 | 64, old: bigint, src: bigint): bigint {
  const U = (v: bigint) => BigInt.asUintN(bits, v), S = (v: bigint) => BigInt.asIntN(bits, v);
  const a = U(old), b = U(src);
  switch (op) {
    case 'swap': return b;
    case 'add': return U(a + b);
    case 'xor': return a ^ b;
    case 'and': return a & b;
    case 'or': return a | b;
    case 'min': return S(a) < S(b) ? a : b;
    case 'max': return S(a) > S(b) ? a : b;
    case 'minu': return a < b ? a : b;
    case 'maxu': return a > b ? a : b;
  }
  throw new Error(op);
}
const hex = (v: bigint) => `0x${v.toString(16)}`;
const SENTINEL = 0xa5a5_a5a5n;

describe('LR/SC', () => {
  it('lr.w sign-extends; lr.w/sc.w and lr.d/sc.d succeed (rd = 0) and store', async () => {
    const m = await newMachine();
    m.write64(DATA, 0x1111_1111_8000_0000n);
    m.write64(DATA + 8n, 0x2222_2222_2222_2222n);
    const r = await runOps([{
      in: [[a0, DATA], [a1, 0x5555_5555_1234_5678n]],
      code: [A.lr_w(a2, a0), A.sc_w(a3, a1, a0), A.lr_d(a4, a0, { aq: true }), A.addi(a4, a4, 0), A.sc_d(a5, a1, a0, { rl: true })],
      out: [a2, a3, a4, a5],
    }], { machine: m });
    expect(r[0]).toEqual([0xffff_ffff_8000_0000n, 0n, 0x1111_1111_1234_5678n, 0n]);
    expect(m.read64(DATA)).toBe(0x5555_5555_1234_5678n);
    expect(m.read64(DATA + 8n)).toBe(0x2222_2222_2222_2222n);
  });

  it('sc without a reservation fails with rd = 1 and does not store', async () => {
    const m = await newMachine();
    m.write64(DATA, 0x77n);
    const r = await runOps([{ in: [[a0, DATA], [a1, 0x99n]], code: [A.sc_d(a2, a1, a0), A.sc_w(a3, a1, a0)], out: [a2, a3] }], { machine: m });
    expect(r[0]).toEqual([1n, 1n]);
    expect(m.read64(DATA)).toBe(0x77n);
  });

  it('the reservation is used up by an sc: a second sc fails', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[a0, DATA], [a1, 5n], [a4, 6n]],
      code: [A.lr_d(a2, a0), A.sc_d(a2, a1, a0), A.sc_d(a3, a4, a0)],
      out: [a2, a3],
    }], { machine: m });
    expect(r[0]).toEqual([0n, 1n]);
    expect(m.read64(DATA)).toBe(5n);
  });

  it('sc to a different address fails, stores nothing, and cancels the reservation', async () => {
    const m = await newMachine();
    m.write64(DATA, 0x10n);
    m.write64(DATA + 64n, 0x20n);
    const r = await runOps([{
      in: [[a0, DATA], [a4, DATA + 64n], [a1, 0x99n]],
      code: [A.lr_d(a2, a0), A.sc_d(a3, a1, a4), A.sc_d(a5, a1, a0)],
      out: [a2, a3, a5],
    }], { machine: m });
    expect(r[0]).toEqual([0x10n, 1n, 1n]);
    expect(m.read64(DATA)).toBe(0x10n);
    expect(m.read64(DATA + 64n)).toBe(0x20n);
  });

  it('a reservation survives ordinary instructions and loads between lr and sc', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[a0, DATA], [a1, 3n]],
      code: [A.lr_w(a2, a0), A.addi(a2, a2, 1), A.ld(a5, 8, a0), A.sc_w(a3, a2, a0)],
      out: [a3],
    }], { machine: m });
    expect(r[0]).toEqual([0n]);
    expect(m.read64(DATA)).toBe(1n);
  });
});

describe('AMOs', () => {
  const W_PAIRS: [bigint, bigint][] = [
    [0x7fff_ffffn, 1n], [0xffff_ffffn, 1n], [1n, 0xffff_ffffn], [0x8000_0000n, 0x7fff_ffffn], [0x7fff_ffffn, 0x8000_0000n],
    [5n, 5n], [0n, 0xdead_beef_0000_0001n] /* upper bits of rs2 are ignored */, [1n, 0x1_0000_0000n], [0x1234_5678n, 0xffff_ffff_8765_4321n],
  ];
  const D_PAIRS: [bigint, bigint][] = [
    [INT64_MAX, 1n], [NEG1, 1n], [1n, NEG1], [INT64_MIN, INT64_MAX], [INT64_MAX, INT64_MIN], [5n, 5n], [0xffff_ffffn, 0x1_0000_0000n],
    [0x1234_5678_9abc_def0n, 0x0fed_cba9_8765_4321n], [0n, NEG1],
  ];

  it('hand-computed: signed vs unsigned min/max and the .w sign extension of rd', async () => {
    const m = await newMachine();
    // mem word = 0xffffffff (-1 signed), rs2 = 1
    const cases: [string, 'w' | 'd', bigint, bigint, bigint, bigint][] = [
      // op, width, mem, rs2, want rd, want mem
      ['min', 'w', 0xffff_ffffn, 1n, NEG1, 0xffff_ffffn],
      ['minu', 'w', 0xffff_ffffn, 1n, NEG1, 1n],
      ['max', 'w', 0xffff_ffffn, 1n, NEG1, 1n],
      ['maxu', 'w', 0xffff_ffffn, 1n, NEG1, 0xffff_ffffn],
      ['add', 'w', 0x7fff_ffffn, 0xdead_beef_0000_0001n, 0x7fff_ffffn, 0x8000_0000n],
      ['maxu', 'w', 1n, 0x1_0000_0000n, 1n, 1n], // rs2's low word is 0
      ['min', 'd', NEG1, 1n, NEG1, NEG1],
      ['minu', 'd', NEG1, 1n, NEG1, 1n],
      ['max', 'd', INT64_MIN, INT64_MAX, INT64_MIN, INT64_MAX],
      ['maxu', 'd', INT64_MIN, INT64_MAX, INT64_MIN, INT64_MIN],
      ['swap', 'd', 0x1234n, 0x5678n, 0x1234n, 0x5678n],
    ];
    const ops: OpCase[] = cases.map(([op, wd, mem, src]) => ({
      name: `amo${op}.${wd}`,
      in: [[a0, DATA], [a1, wd === 'w' ? (SENTINEL << 32n) | mem : mem], [a2, src]],
      code: [A.sd(a1, 0, a0), enc(op, wd)(a3, a2, a0), A.ld(a4, 0, a0)],
      out: [a3, a4],
    }));
    const r = await runOps(ops, { machine: m });
    cases.forEach(([op, wd, , , rd, mem], k) => {
      expect(r[k][0], `amo${op}.${wd} rd`).toBe(rd);
      expect(r[k][1], `amo${op}.${wd} memory`).toBe(wd === 'w' ? (SENTINEL << 32n) | mem : mem);
    });
  });

  for (const wd of ['w', 'd'] as const) {
    it(`every amo*.${wd} (with every aq/rl) returns the old value and stores the reference result`, async () => {
      const m = await newMachine();
      const pairs = wd === 'w' ? W_PAIRS : D_PAIRS;
      const ords: Ordering[] = [{}, { aq: true }, { rl: true }, { aq: true, rl: true }];
      const cases: { op: string; mem: bigint; src: bigint; o: Ordering }[] = [];
      for (const op of OPS) for (const [mem, src] of pairs) for (const o of ords) cases.push({ op, mem, src, o });
      const r = await runOps(cases.map(({ op, mem, src, o }) => ({
        in: [[a0, DATA + 16n], [a1, wd === 'w' ? (SENTINEL << 32n) | mem : mem], [a2, src]],
        code: [A.sd(a1, 0, a0), enc(op, wd)(a3, a2, a0, o), A.ld(a4, 0, a0)],
        out: [a3, a4],
      })), { machine: m });
      const bad: string[] = [];
      cases.forEach(({ op, mem, src }, k) => {
        const bits = wd === 'w' ? 32 : 64;
        const wantRd = BigInt.asUintN(64, BigInt.asIntN(bits, mem));
        const stored = amoRef(op, bits, mem, src);
        const wantMem = wd === 'w' ? (SENTINEL << 32n) | stored : stored;
        if (r[k][0] !== wantRd || r[k][1] !== wantMem) {
          bad.push(`amo${op}.${wd} mem ${hex(mem)} rs2 ${hex(src)}: rd ${hex(r[k][0])} (want ${hex(wantRd)}), mem ${hex(r[k][1])} (want ${hex(wantMem)})`);
        }
      });
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }

  it('rd = rs2: the old value lands in rd after rs2 was used', async () => {
    const m = await newMachine();
    const r = await runOps([{ in: [[a0, DATA], [a1, 10n], [a2, 3n]], code: [A.sd(a1, 0, a0), A.amoadd_d(a2, a2, a0), A.ld(a4, 0, a0)], out: [a2, a4] }], { machine: m });
    expect(r[0]).toEqual([10n, 13n]);
  });
});

describe('atomic traps', () => {
  const MIS = DATA + 2n;
  const cases: [string, number, number][] = [
    ['amoadd.w', A.amoadd_w(a2, a1, a0), 6], ['amoswap.d', A.amoswap_d(a2, a1, a0), 6], ['amomaxu.w', A.amomaxu_w(a2, a1, a0), 6],
    ['sc.w', A.sc_w(a2, a1, a0), 6], ['sc.d', A.sc_d(a2, a1, a0), 6], ['lr.w', A.lr_w(a2, a0), 4], ['lr.d', A.lr_d(a2, a0), 4],
  ];
  for (const [name, insn, cause] of cases) {
    it(`misaligned ${name}: cause ${cause}, tval = the address, nothing written (exit record and guest trap)`, async () => {
      const mem: [bigint, Uint8Array][] = [[DATA, new Uint8Array(16).fill(0x5a)]];
      const code = [...A.li(a0, MIS), A.addi(a1, zero, 1), A.addi(a2, zero, 7), insn, ...HALT];
      const pc = CODE + BigInt(4 * (code.length - HALT.length - 1));
      const e = await runProgram(code, { exitOn: [4, 6], mem });
      expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc, e.exit.insn]).toEqual(['trap', cause, MIS, pc, insn]);
      const g = await runProgram(code, { mem });
      expect(g.trapped).toBe('M');
      expect([g.m.readCsr(0x342), g.m.readCsr(0x343), g.m.readCsr(0x341)]).toEqual([BigInt(cause), MIS, pc]);
      expect(g.m.getReg(a2)).toBe(7n);
      expect(Array.from(g.m.readPhys(DATA, 16))).toEqual(new Array(16).fill(0x5a));
    });
  }

  it('atomics outside RAM raise access faults: AMO/SC store access fault (7), LR load access fault (5)', async () => {
    for (const [insn, addr, cause] of [
      [A.amoadd_w(a2, a1, a0), 0n, 7], [A.lr_d(a2, a0), 0n, 5], [A.sc_d(a2, a1, a0), 0x2000_0000n, 7], [A.amoor_d(a2, a1, a0), 0x2000_0000n, 7],
    ] as const) {
      const e = await runProgram([...A.li(a0, addr), insn, ...HALT], { exitOn: [5, 7] });
      expect([e.exit.reason, e.exit.cause, e.exit.tval], `insn 0x${insn.toString(16)}`).toEqual(['trap', cause, addr]);
    }
  });

  it('a trap between lr and sc (the spec lets xRET keep or drop the reservation): the sc result and memory agree', async () => {
    // lr.d; ecall (handler: mepc += 4, mret); sc.d — success (0) must mean stored, failure (1) not.
    const p = new Program(CODE).li(a0, DATA).li(a1, 0x42).i(A.lr_d(a2, a0), A.ecall(), A.sc_d(a3, a1, a0), HALT);
    const handler = [A.csrr(a5, 0x341), A.addi(a5, a5, 4), A.csrw(0x341, a5), A.mret()];
    const { m, halted } = await runProgram(p, { mHandler: handler });
    expect(halted).toBe(true);
    const stored = m.read64(DATA);
    expect([0n, 1n]).toContain(m.getReg(a3));
    expect(stored).toBe(m.getReg(a3) === 0n ? 0x42n : 0n);
    expect(m.readCsr(0x342)).toBe(11n);
  });
});

describe('atomic widths and alignment details', () => {
  it('amo*.w on the upper word of a doubleword leaves the lower word alone; .d needs 8-byte alignment', async () => {
    const m = await newMachine();
    m.write64(DATA, 0x0000_0005_a5a5_a5a5n);
    const r = await runOps([{ in: [[a0, DATA + 4n], [a1, 0xffff_fffen]], code: [A.amoadd_w(a2, a1, a0), A.lr_w(a3, a0), A.sc_w(a4, a1, a0)], out: [a2, a3, a4] }], { machine: m });
    expect(r[0]).toEqual([5n, 3n, 0n]);
    expect(m.read64(DATA)).toBe(0xffff_fffe_a5a5_a5a5n);
    for (const [insn, cause] of [[A.lr_d(a2, a0), 4], [A.sc_d(a2, a1, a0), 6], [A.amoadd_d(a2, a1, a0), 6]] as const) {
      const e = await runProgram([...A.li(a0, DATA + 4n), insn, ...HALT], { exitOn: [4, 6] });
      expect([e.exit.cause, e.exit.tval]).toEqual([cause, DATA + 4n]);
    }
  });

  it('misaligned and unmapped at once: the misaligned exception has priority (privileged spec, exception priority)', async () => {
    for (const [insn, cause] of [[A.amoadd_w(a2, a1, a0), 6], [A.lr_w(a2, a0), 4]] as const) {
      const e = await runProgram([A.addi(a0, zero, 2), insn, ...HALT], { exitOn: [4, 5, 6, 7] });
      expect([e.exit.cause, e.exit.tval]).toEqual([cause, 2n]);
    }
  });
});
