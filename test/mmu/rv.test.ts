// The test-local assembler: encodings checked against hand-assembled words from the ISA manual,
// and `li` checked by running it (M-mode, no translation).
import { describe, it, expect } from 'vitest';
import { Asm, a0, a1, a2, t0, ra, zero, CSR } from './rv.js';
import { newMachine, load, runToBreak, EXIT_ON_ALL } from './harness.js';
import { RAM_BASE } from '../../bindings/machine.js';

const one = (f: (a: Asm) => void) => { const a = new Asm(0n); f(a); return new DataView(a.bytes().buffer).getUint32(0, true); };

describe('test assembler', () => {
  it('encodes like the ISA manual', () => {
    expect(one((a) => a.addi(a0, a0, 1))).toBe(0x00150513);
    expect(one((a) => a.lui(a0, 0x12345))).toBe(0x12345537);
    expect(one((a) => a.ld(a1, a0, 8))).toBe(0x00853583);
    expect(one((a) => a.sd(a1, a0, 8))).toBe(0x00b53423);
    expect(one((a) => a.csrw(CSR.satp, t0))).toBe(0x18029073);
    expect(one((a) => a.csrr(a0, CSR.mstatus))).toBe(0x30002573);
    expect(one((a) => a.sfenceVma())).toBe(0x12000073);
    expect(one((a) => a.sfenceVma(a0, a1))).toBe(0x12b50073);
    expect(one((a) => a.lrD(a0, a1))).toBe(0x1005b52f);
    expect(one((a) => a.scD(a0, a2, a1))).toBe(0x18c5b52f);
    expect(one((a) => a.amoaddD(a0, a2, a1))).toBe(0x00c5b52f);
    expect(one((a) => a.amoswapW(a0, a2, a1))).toBe(0x08c5a52f);
    expect(one((a) => a.jalr(zero, ra, 0))).toBe(0x00008067);
    const b = new Asm(0x1000n);
    b.label('top').nop().beq(a0, a1, 'fwd').j('top').label('fwd');
    const w = new DataView(b.bytes().buffer);
    expect(w.getUint32(4, true)).toBe(0x00b50463); // beq a0, a1, +8
    expect(w.getUint32(8, true)).toBe(0xff9ff06f); // j -8
  });

  it('li loads every kind of 64-bit constant', async () => {
    const values = [0n, 1n, -1n, 2047n, -2048n, 2048n, 0x7fff_f800n, 0x7fff_ffffn, -0x8000_0000n, 0x8000_0000n,
      0xffff_ffffn, 0x1_0000_0000n, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0x1234_5678_9abc_def0n,
      0xffff_ffc0_0000_0000n, 0x8000_1000_0000_0000n, (9n << 60n) | 0x80123n, 0xdead_beef_0000_0800n];
    const m = await newMachine();
    const code = new Asm(RAM_BASE);
    const table = RAM_BASE + 0x8000n;
    code.li(a1, table);
    for (const v of values) code.li(a0, v).sd(a0, a1, 0).addi(a1, a1, 8);
    code.ebreak();
    load(m, code);
    m.configure({ exitOnException: EXIT_ON_ALL });
    m.reset(RAM_BASE);
    runToBreak(m);
    values.forEach((v, i) => expect(m.read64(table + 8n * BigInt(i))).toBe(BigInt.asUintN(64, v)));
  });
});
