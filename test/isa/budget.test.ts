// run(n): exactly n instructions retire when nothing stops the run (checked with the instret
// counter, minstret, and the architectural effect), traps and interrupts spend the budget too, and
// a run split into pieces ends in the same state as one long run.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, s0, t0, zero, Program } from '../helpers/asm.js';
import { newMachine, CODE, DATA } from '../helpers/harness.js';
import type { Machine } from '../../bindings/machine.js';

/** 7 increments and a jump back: after n instructions a0 = 7 * floor(n / 8) + min(n % 8, 7). */
function counting(): Uint8Array {
  const p = new Program(CODE);
  p.label('top');
  for (let i = 0; i < 7; i++) p.i(A.addi(a0, a0, 1));
  p.b((o) => A.jal(zero, o), 'top');
  return p.bytes();
}
const expectedA0 = (n: number) => BigInt(7 * Math.floor(n / 8) + Math.min(n % 8, 7));

async function load(bytes: Uint8Array): Promise<Machine> {
  const m = await newMachine();
  m.writePhys(CODE, bytes);
  m.reset(CODE);
  return m;
}

describe('run budget', () => {
  for (const n of [1, 2, 7, 8, 9, 100, 12_345, 1_000_000]) {
    it(`run(${n}) retires exactly ${n} instructions`, async () => {
      const m = await load(counting());
      const e = m.run(n);
      expect(e.reason).toBe('budget');
      expect(m.counters().instret).toBe(BigInt(n));
      expect(m.readCsr(0xb02)).toBe(BigInt(n)); // minstret
      expect(m.getReg(a0)).toBe(expectedA0(n));
      expect(e.pc).toBe(CODE + BigInt(4 * (n % 8)));
    });
  }

  it('successive runs add up, and the pc is where the next run resumes', async () => {
    const m = await load(counting());
    let total = 0;
    for (const n of [3, 1, 5, 1000, 77, 1]) {
      m.run(n);
      total += n;
      expect(m.counters().instret).toBe(BigInt(total));
      expect(m.getReg(a0)).toBe(expectedA0(total));
    }
  });

  it('with traps: every trap taken spends one unit of the budget', async () => {
    // loop: ecall (the handler, 4 instructions, returns after it); addi a0; j loop
    const p = new Program(CODE).label('loop').i(A.ecall(), A.addi(a0, a0, 1));
    p.b((o) => A.jal(zero, o), 'loop');
    p.org(0x100).label('h').i(A.csrr(t0, 0x341), A.addi(t0, t0, 4), A.csrw(0x341, t0), A.mret());
    const m = await load(p.bytes());
    m.writeCsr(0x305, p.addr('h'));
    for (const n of [1, 2, 5, 7, 100, 9999]) {
      const before = m.counters();
      m.run(n);
      const after = m.counters();
      expect((after.instret as bigint) - (before.instret as bigint) + (after.exceptions as bigint) - (before.exceptions as bigint)).toBe(BigInt(n));
    }
  });

  it('with timer interrupts: instructions + interrupts = the budget', async () => {
    // mtimecmp is pushed 3 ticks ahead by the handler; the main loop counts
    const p = new Program(CODE).li(s0, 0x200_4000).li(a3, 0x200_bff8).i(A.ld(a2, 0, a3), A.addi(a2, a2, 3), A.sd(a2, 0, s0));
    p.li(a1, 0x80).i(A.csrw(0x304, a1), A.csrsi(0x300, 8));
    p.label('loop').i(A.addi(a0, a0, 1));
    p.b((o) => A.jal(zero, o), 'loop');
    p.org(0x100).label('h').i(A.ld(a2, 0, a3), A.addi(a2, a2, 3), A.sd(a2, 0, s0), A.mret());
    const m = await load(p.bytes());
    m.writeCsr(0x305, p.addr('h'));
    m.configure({ cyclesPerTick: 5 });
    const e = m.run(100_000);
    expect(e.reason).toBe('budget');
    const c = m.counters();
    expect(c.interrupts as bigint).toBeGreaterThan(1000n);
    expect((c.instret as bigint) + (c.interrupts as bigint) + (c.exceptions as bigint)).toBe(100_000n);
  });

  it('one run of N and many short runs reach the same state (mixed code: loads, stores, compressed, page crossings)', async () => {
    const p = new Program(CODE).li(s0, DATA).li(a1, 0);
    p.label('loop').i(A.ld(a2, 0, s0), A.add(a2, a2, a1), A.sd(a2, 0, s0)).c(A.c_addi(a1, 3), A.c_slli(a1, 1), A.c_srli(s0, 0x3f)).i(A.or(s0, s0, s0));
    p.i(...A.li(s0, DATA));
    p.b((o) => A.jal(zero, o), 'far');
    p.org(0xffe).label('far').i(A.mul(a2, a2, a1), A.csrr(a3, 0xc02)); // straddles a page boundary
    p.b((o) => A.jal(zero, o), 'loop');
    const N = 20_000;
    const one = await load(p.bytes());
    one.run(N);
    const many = await load(p.bytes());
    const rng = [1, 2, 3, 5, 8, 13, 21, 34];
    let done = 0, k = 0;
    while (done < N) { const n = Math.min(rng[k++ % rng.length], N - done); many.run(n); done += n; }
    expect(many.pc).toBe(one.pc);
    for (let r = 1; r < 32; r++) expect(many.getReg(r), `x${r}`).toBe(one.getReg(r));
    expect(many.read64(DATA)).toBe(one.read64(DATA));
    expect(many.counters().instret).toBe(BigInt(N));
  });
});
