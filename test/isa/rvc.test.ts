// RV64C: the effect of every compressed instruction, the core's expansion of each against the
// 32-bit instruction the spec says it stands for (both encoders checked against GNU as), reserved
// encodings (illegal instruction, tval = the 16 instruction bits), and 32-bit instructions that
// straddle a page boundary.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, a4, a5, s0, s1, sp, ra, zero, t0, Program } from '../helpers/asm.js';
import { runOps, runProgram, newMachine, Rng, DATA, CODE, HALT, RAM_BASE } from '../helpers/harness.js';
import { NEG1, INT64_MIN } from './ref.js';

describe('compressed instructions: effects', () => {
  it('loads, stores and stack-pointer forms', async () => {
    const m = await newMachine();
    m.write64(DATA + 248n, 0x8877_6655_8000_0001n); // c.ld / c.lw (sign-extended) source
    m.write64(DATA + 504n, 0x1234_5678_9abc_def0n); // c.ldsp
    m.write64(DATA + 120n, 0x0000_0000_fedc_ba98n); // c.lwsp 120(sp)
    const r = await runOps([
      { name: 'c.lw/c.ld', in: [[a1, DATA]], code: (p) => p.c(A.c_lw(a2, 124, a1), A.c_ld(a3, 248, a1), A.c_lw(a4, 120, a1)), out: [a2, a3, a4] },
      { name: 'c.lwsp/c.ldsp', in: [[sp, DATA]], code: (p) => p.c(A.c_lwsp(a2, 120), A.c_ldsp(a3, 504), A.c_lwsp(t0, 252)), out: [a2, a3, t0] },
      {
        name: 'c.sw/c.sd/c.swsp/c.sdsp',
        in: [[a1, DATA + 0x400n], [sp, DATA + 0x800n], [a2, 0x1111_2222_3333_4444n], [t0, 0x5555_6666_7777_8888n]],
        code: (p) => { p.c(A.c_sd(a2, 8, a1), A.c_sw(a2, 20, a1), A.c_sdsp(t0, 504), A.c_swsp(t0, 252)); p.i(A.ld(a3, 8, a1), A.ld(a4, 16, a1), A.ld(a5, 504, sp), A.lwu(a0, 252, sp)); },
        out: [a3, a4, a5, a0],
      },
    ], { machine: m });
    expect(r[0]).toEqual([0n /* DATA+124 is zero */, 0x8877_6655_8000_0001n, 0xffff_ffff_fedc_ba98n]);
    expect(r[1]).toEqual([0xffff_ffff_fedc_ba98n, 0x1234_5678_9abc_def0n, 0xffff_ffff_8877_6655n]); // DATA+252: upper word of the c.ld source
    expect(r[2]).toEqual([0x1111_2222_3333_4444n, 0x3333_4444_0000_0000n, 0x5555_6666_7777_8888n, 0x7777_8888n]);
  });

  it('immediate and register arithmetic', async () => {
    const r = await runOps([
      { name: 'c.addi4spn', in: [[sp, DATA]], code: (p) => p.c(A.c_addi4spn(a0, 1020), A.c_addi4spn(s0, 4)), out: [a0, s0] },
      { name: 'c.addi16sp', in: [[sp, DATA]], code: (p) => p.c(A.c_addi16sp(-512), A.c_addi16sp(496), A.c_addi16sp(16)), out: [sp] },
      { name: 'c.addi', in: [[a0, 100n], [a1, 0n]], code: (p) => p.c(A.c_addi(a0, -32), A.c_addi(a1, 31), A.c_addi(a1, -1)), out: [a0, a1] },
      { name: 'c.addiw', in: [[a0, 0x7fff_ffffn], [a1, 0x1234_5678_8000_0000n]], code: (p) => p.c(A.c_addiw(a0, 1), A.c_addiw(a1, 0)), out: [a0, a1] },
      { name: 'c.li', in: [[a0, 5n], [a1, 5n]], code: (p) => p.c(A.c_li(a0, -32), A.c_li(a1, 31)), out: [a0, a1] },
      { name: 'c.lui', in: [], code: (p) => p.c(A.c_lui(a0, 0xfffe0), A.c_lui(a1, 0x1f), A.c_lui(a2, 0xfffff)), out: [a0, a1, a2] },
      { name: 'c.srli/c.srai', in: [[s0, INT64_MIN], [s1, INT64_MIN], [a0, NEG1]], code: (p) => p.c(A.c_srli(s0, 63), A.c_srai(s1, 63), A.c_srli(a0, 32)), out: [s0, s1, a0] },
      { name: 'c.andi', in: [[s0, NEG1], [s1, 0xff0fn]], code: (p) => p.c(A.c_andi(s0, -32), A.c_andi(s1, 0x1f)), out: [s0, s1] },
      { name: 'c.slli', in: [[a0, 1n], [t0, 0xffn]], code: (p) => p.c(A.c_slli(a0, 63), A.c_slli(t0, 32)), out: [a0, t0] },
      {
        name: 'c.sub/xor/or/and',
        in: [[s0, 0n], [s1, 1n], [a0, 0xf0f0n], [a1, 0xff00n], [a2, 0xf0f0n], [a3, 0xf0f0n], [a4, 0xff00n], [a5, 0xff00n]],
        code: (p) => p.c(A.c_sub(s0, s1), A.c_xor(a0, a1), A.c_or(a2, a4), A.c_and(a3, a5)),
        out: [s0, a0, a2, a3],
      },
      {
        name: 'c.addw/c.subw',
        in: [[s0, 0x7fff_ffffn], [s1, 1n], [a0, 0x8000_0000n], [a1, 1n]],
        code: (p) => p.c(A.c_addw(s0, s1), A.c_subw(a0, a1)),
        out: [s0, a0],
      },
      { name: 'c.mv/c.add', in: [[a0, 0n], [a1, 0x1234n], [a2, NEG1]], code: (p) => p.c(A.c_mv(a0, a1), A.c_add(a2, a1)), out: [a0, a2] },
      { name: 'c.nop', in: [[a0, 0x55n]], code: (p) => p.c(A.c_nop(), A.c_nop()), out: [a0] },
      {
        name: 'HINTs with rd = x0 write nothing and do not trap',
        in: [[a0, 9n]],
        // c.addi x0, 5; c.li x0, 3; c.lui x0, 1; c.mv x0, a0; c.add x0, a0; c.slli x0, 3
        code: (p) => { p.c(0x0015, 0x400d, 0x6005, 0x802a, 0x902a, 0x000e); p.i(A.add(a1, zero, zero)); },
        out: [a1, zero],
      },
    ]);
    expect(r).toEqual([
      [DATA + 1020n, DATA + 4n],
      [DATA],
      [68n, 30n],
      [0xffff_ffff_8000_0000n, 0xffff_ffff_8000_0000n],
      [NEG1 - 31n, 31n],
      [0xffff_ffff_fffe_0000n, 0x1_f000n, 0xffff_ffff_ffff_f000n],
      [1n, NEG1, 0xffff_ffffn],
      [NEG1 - 31n, 0xfn],
      [INT64_MIN, 0xff_0000_0000n],
      [NEG1, 0x0ff0n, 0xfff0n, 0xf000n],
      [0xffff_ffff_8000_0000n, 0x7fff_ffffn],
      [0x1234n, 0x1233n],
      [0x55n],
      [0n, 0n],
    ]);
  });

  it('c.j, c.beqz/c.bnez (taken and not, forward and backward), c.jr, c.jalr links pc + 2', async () => {
    const p = new Program(CODE);
    p.li(s0, 0).li(s1, 3).li(a5, 0);
    p.b((o) => A.c_j(o), 'fwd', 2);
    p.c(A.c_li(a5, 1)); // skipped
    p.label('fwd');
    p.label('loop').c(A.c_addi(a5, 2), A.c_addi(s1, -1));
    p.b((o) => A.c_bnez(s1, o), 'loop', 2); // taken twice backward, then not
    p.b((o) => A.c_beqz(s1, o), 'z', 2); // taken forward
    p.c(A.c_li(a5, 1));
    p.label('z');
    p.b((o) => A.c_beqz(a5, o), 'bad', 2); // a5 = 6: not taken
    p.la(a0, 'f');
    p.label('call').c(A.c_jalr(a0));
    p.label('ret').la(a1, 'end').c(A.c_jr(a1));
    p.label('bad').c(A.c_li(a5, 1));
    p.label('f').c(A.c_mv(a2, ra), A.c_jr(ra));
    p.label('end').i(HALT);
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.getReg(a5)).toBe(6n);
    expect(m.getReg(a2)).toBe(p.addr('call') + 2n);
    expect(m.getReg(a2)).toBe(p.addr('ret'));
  });

  it('c.ebreak: breakpoint with tval = pc; the exit record carries the 16-bit instruction', async () => {
    const p = new Program(CODE).c(A.c_nop(), A.c_ebreak(), A.c_nop(), A.c_nop());
    const e = await runProgram(p, { exitOn: [3] });
    expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc, e.exit.insn]).toEqual(['trap', 3, CODE + 2n, CODE + 2n, 0x9002]);
    const g = await runProgram(p);
    expect(g.trapped).toBe('M');
    expect([g.m.readCsr(0x342), g.m.readCsr(0x341), g.m.readCsr(0x343)]).toEqual([3n, CODE + 2n, CODE + 2n]);
  });
});

describe('compressed instructions: the expansion the core uses', () => {
  it('every RV64C instruction expands to the 32-bit instruction the spec defines (random operands)', async () => {
    const m = await newMachine();
    const rng = new Rng(5);
    const cr = () => 8 + rng.int(8);
    const nz = () => 1 + rng.int(31);
    const bad: string[] = [];
    const check = (name: string, c: number, want: number) => {
      const got = m.expandCompressed(c);
      if (got !== want >>> 0) bad.push(`${name} 0x${c.toString(16)}: expands to 0x${got.toString(16)}, want 0x${(want >>> 0).toString(16)}`);
    };
    for (let k = 0; k < 40; k++) {
      const d = cr(), b = cr(), f = nz(), g = nz();
      const u4 = rng.range(1, 255) * 4, ow = rng.range(0, 31) * 4, od = rng.range(0, 31) * 8;
      const i6 = rng.range(-32, 31), nzi6 = i6 === 0 ? 1 : i6, sh = rng.range(1, 63);
      const i16 = rng.range(-32, 31) * 16 || 16, j = rng.range(-1024, 1023) * 2, bo = rng.range(-128, 127) * 2;
      const lw = rng.range(0, 63) * 4, ldo = rng.range(0, 63) * 8;
      let lu = rng.range(-32, 31); if (lu === 0) lu = 1;
      const lrd = f === 2 ? 3 : f;
      check('c.addi4spn', A.c_addi4spn(d, u4), A.addi(d, sp, u4));
      check('c.lw', A.c_lw(d, ow, b), A.lw(d, ow, b));
      check('c.ld', A.c_ld(d, od, b), A.ld(d, od, b));
      check('c.sw', A.c_sw(d, ow, b), A.sw(d, ow, b));
      check('c.sd', A.c_sd(d, od, b), A.sd(d, od, b));
      check('c.addi', A.c_addi(f, nzi6), A.addi(f, f, nzi6));
      check('c.addiw', A.c_addiw(f, i6), A.addiw(f, f, i6));
      check('c.li', A.c_li(f, i6), A.addi(f, zero, i6));
      check('c.addi16sp', A.c_addi16sp(i16), A.addi(sp, sp, i16));
      check('c.lui', A.c_lui(lrd, lu & 0xfffff), A.lui(lrd, lu & 0xfffff));
      check('c.srli', A.c_srli(d, sh), A.srli(d, d, sh));
      check('c.srai', A.c_srai(d, sh), A.srai(d, d, sh));
      check('c.andi', A.c_andi(d, i6), A.andi(d, d, i6));
      check('c.sub', A.c_sub(d, b), A.sub(d, d, b));
      check('c.xor', A.c_xor(d, b), A.xor(d, d, b));
      check('c.or', A.c_or(d, b), A.or(d, d, b));
      check('c.and', A.c_and(d, b), A.and(d, d, b));
      check('c.subw', A.c_subw(d, b), A.subw(d, d, b));
      check('c.addw', A.c_addw(d, b), A.addw(d, d, b));
      check('c.j', A.c_j(j), A.jal(zero, j));
      check('c.beqz', A.c_beqz(d, bo), A.beq(d, zero, bo));
      check('c.bnez', A.c_bnez(d, bo), A.bne(d, zero, bo));
      check('c.slli', A.c_slli(f, sh), A.slli(f, f, sh));
      check('c.lwsp', A.c_lwsp(f, lw), A.lw(f, lw, sp));
      check('c.ldsp', A.c_ldsp(f, ldo), A.ld(f, ldo, sp));
      check('c.jr', A.c_jr(f), A.jalr(zero, f, 0));
      check('c.mv', A.c_mv(f, g), A.add(f, zero, g));
      check('c.jalr', A.c_jalr(f), A.jalr(ra, f, 0));
      check('c.add', A.c_add(f, g), A.add(f, f, g));
      check('c.swsp', A.c_swsp(g, lw), A.sw(g, lw, sp));
      check('c.sdsp', A.c_sdsp(g, ldo), A.sd(g, ldo, sp));
    }
    check('c.nop', A.c_nop(), A.addi(zero, zero, 0));
    check('c.ebreak', A.c_ebreak(), A.ebreak());
    // No D extension: the FP loads and stores do not exist (0 = reserved)
    check('c.fld', A.c_fld(8, 8, 9), 0);
    check('c.fsd', A.c_fsd(8, 8, 9), 0);
    check('c.fldsp', A.c_fldsp(1, 8), 0);
    check('c.fsdsp', A.c_fsdsp(1, 8), 0);
    expect(bad.slice(0, 8)).toEqual([]);
  });
});

describe('reserved and unsupported compressed encodings', () => {
  const RESERVED: [string, number][] = [
    ['all-zero halfword (c.addi4spn x8, 0)', 0x0000],
    ['c.addi4spn x9, sp, 0', 0x0004],
    ['c.addi4spn x15, sp, 0', 0x001c],
    ['c.fld f8, 0(x8)', A.c_fld(8, 0, 8)],
    ['c.fsd f9, 8(x10)', A.c_fsd(9, 8, 10)],
    ['c.fldsp f1, 8(sp)', A.c_fldsp(1, 8)],
    ['c.fsdsp f2, 16(sp)', A.c_fsdsp(2, 16)],
    ['quadrant 0, funct3 = 4 (reserved)', 0x8000],
    ['c.addiw x0, 1', 0x2005],
    ['c.addiw x0, 0', 0x2001],
    ['c.lwsp x0, 0(sp)', 0x4002],
    ['c.lwsp x0, 4(sp)', 0x4012],
    ['c.ldsp x0, 8(sp)', 0x6022],
    ['c.jr x0', 0x8002],
    ['c.addi16sp sp, 0', 0x6101],
    ['c.lui x1, 0', 0x6081],
    ['c.lui x10, 0', 0x6501],
    ['CA reserved: bit 12 = 1, funct2 = 2', 0x9c41],
    ['CA reserved: bit 12 = 1, funct2 = 3', 0x9c61],
  ];

  for (const [name, bits] of RESERVED) {
    it(`${name} (0x${bits.toString(16).padStart(4, '0')}): illegal instruction, tval = the 16 bits`, async () => {
      const p = new Program(CODE).c(A.c_nop(), bits, A.c_nop(), A.c_nop()).i(HALT);
      const e = await runProgram(p, { exitOn: [2] });
      expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc, e.exit.insn]).toEqual(['trap', 2, BigInt(bits), CODE + 2n, bits]);
    });
  }

  it('in the guest: mcause 2, mtval = the 16 bits, mepc = its pc; a skip handler resumes 2 bytes later', async () => {
    const p = new Program(CODE).c(A.c_li(a0, 1), 0x6101, A.c_li(a1, 2), A.c_nop()).i(HALT);
    const g = await runProgram(p);
    expect(g.trapped).toBe('M');
    expect([g.m.readCsr(0x342), g.m.readCsr(0x343), g.m.readCsr(0x341)]).toEqual([2n, 0x6101n, CODE + 2n]);
    // a handler that returns to mepc + 2
    const handler = [A.csrr(t0, 0x341), A.addi(t0, t0, 2), A.csrw(0x341, t0), A.mret()];
    const h = await runProgram(p, { mHandler: handler });
    expect(h.halted).toBe(true);
    expect([h.m.getReg(a0), h.m.getReg(a1)]).toEqual([1n, 2n]);
  });
});

describe('32-bit instructions across a page boundary', () => {
  it('execute correctly, also repeatedly in a loop and when the second half is rewritten', async () => {
    const p = new Program(CODE);
    p.li(a0, 0).li(a1, 10);
    p.b((o) => A.jal(zero, o), 'loop');
    p.org(0xffa).label('loop').c(A.c_addi(a1, -1));
    p.c(A.c_nop()); // 0xffc
    p.i(A.addi(a0, a0, 0x123)); // 0xffe..0x1001: straddles
    p.b((o) => A.bne(a1, zero, o), 'loop'); // 0x1002
    p.i(HALT);
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.getReg(a0)).toBe(0x123n * 10n);
    // Rewrite the upper half (imm[11:4] lives there) from the guest and run once more
    const q = new Program(CODE);
    q.li(a0, 0).li(a1, 1).li(t0, CODE + 0x1000n);
    const hi = A.addi(a0, a0, 0x456) >>> 16;
    q.li(a2, hi).i(A.sh(a2, 0, t0));
    q.b((o) => A.jal(zero, o), 'loop');
    q.org(0xffa).label('loop').c(A.c_addi(a1, -1), A.c_nop()).i(A.addi(a0, a0, 0x123));
    q.b((o) => A.bne(a1, zero, o), 'loop').i(HALT);
    const r = await runProgram(q, { machine: m });
    expect(r.halted).toBe(true);
    expect(m.getReg(a0)).toBe(0x456n);
  });

  it('the second half beyond the end of RAM: fetch access fault, mepc = pc, tval = the second half', async () => {
    const RAM = 1 << 20;
    const end = RAM_BASE + BigInt(RAM);
    const m = await newMachine(RAM);
    const jump = new Program(CODE).li(t0, end - 2n).i(A.jalr(zero, t0, 0));
    m.writePhys(end - 2n, new Uint8Array([0x13, 0x05])); // the low half of addi a0, ...
    const e = await runProgram(jump, { machine: m, exitOn: [1] });
    expect([e.exit.reason, e.exit.cause, e.exit.pc, e.exit.tval]).toEqual(['trap', 1, end - 2n, end]);
  });
});
