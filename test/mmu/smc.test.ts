// Coherence of the pre-decoded instruction cache with memory: code rewritten by the guest (same
// address, another virtual alias, an AMO), by the host (writePhys), and an instruction that
// straddles two pages. The core promises that every store to a decoded page takes effect; FENCE.I
// (Zifencei) is what the architecture requires, so each case runs with and without it.
import { describe, it, expect } from 'vitest';
import { Asm, CSR, t0, t1, a0, a1, s1, ra, zero, ADDI } from './rv.js';
import {
  newMachine, PageTable, Machine, load, bootInto, runToBreak, resume, delta, num, V, R, W, X, A, D,
  CAUSE, CODE, PAGE, RAM_BASE, EXIT_ON_ALL,
} from './harness.js';

const K = 5;
const le32 = (w: number) => new Uint8Array(new Uint32Array([w]).buffer);

/** The patch loop: `target` adds 1 to a0 K times; the patch rewrites it to add 100, then K more passes. */
function patchLoop(base: bigint, fenceI: boolean, via?: bigint) {
  const a = new Asm(base);
  a.li(a0, 0);
  a.label('again').li(s1, K);
  a.label('loop').label('target').addi(a0, a0, 1);
  a.addi(s1, s1, -1).bnez(s1, 'loop').ebreak();
  const target = a.addr('target');
  a.li(t0, via !== undefined ? via + (target - base) : target).li(t1, ADDI(a0, a0, 100)).sw(t1, t0, 0);
  if (fenceI) a.fenceI();
  a.j('again');
  return a;
}

async function runPatchLoop(m: Machine) {
  runToBreak(m);
  expect(m.getReg(a0)).toBe(BigInt(K));
  const c0 = m.counters();
  m.pc += 4n; // past the EBREAK
  runToBreak(m);
  expect(m.getReg(a0)).toBe(BigInt(K + 100 * K));
  return delta(c0, m.counters());
}

describe('self-modifying code', () => {
  for (const fenceI of [true, false]) {
    it(`M-mode, physical addresses, ${fenceI ? 'with' : 'without'} FENCE.I`, async () => {
      const m = await newMachine();
      const a = patchLoop(RAM_BASE + 0x1000n, fenceI);
      load(m, a);
      m.configure({ exitOnException: EXIT_ON_ALL });
      m.reset(a.base);
      const d = await runPatchLoop(m);
      expect(num(d, 'codeWrites')).toBe(1n);
      expect(num(d, 'decodes')).toBeGreaterThanOrEqual(1n);
      expect(num(d, 'fenceI')).toBe(fenceI ? 1n : 0n);
    });

    it(`S-mode under Sv39 through the same virtual address, ${fenceI ? 'with' : 'without'} FENCE.I`, async () => {
      const m = await newMachine();
      const pt = new PageTable(m, 'sv39');
      const va = 0x7000_0000n;
      pt.map(va, CODE, V | R | W | X | A | D);
      const a = patchLoop(va, fenceI);
      load(m, a, CODE);
      bootInto(m, { satp: pt.satp(), entry: va });
      const d = await runPatchLoop(m);
      expect(num(d, 'codeWrites')).toBe(1n);
      expect(num(d, 'decodes')).toBeGreaterThanOrEqual(1n);
    });

    it(`two virtual aliases of one code page: write through one, execute through the other, ${fenceI ? 'with' : 'without'} FENCE.I`, async () => {
      const m = await newMachine();
      const pt = new PageTable(m, 'sv39');
      const run = 0x7000_0000n, write = 0x7100_0000n;
      pt.map(run, CODE, V | R | X | A);
      pt.map(write, CODE, V | R | W | A | D);
      const a = patchLoop(run, fenceI, write);
      load(m, a, CODE);
      bootInto(m, { satp: pt.satp(), entry: run });
      const d = await runPatchLoop(m);
      expect(num(d, 'codeWrites')).toBe(1n);
    });
  }

  it('a function patched between calls through an alias (call, patch, call)', async () => {
    const m = await newMachine();
    const pt = new PageTable(m, 'sv39');
    const main = 0x7000_0000n, fn = 0x7010_0000n, fnW = 0x7020_0000n;
    pt.map(main, CODE, V | R | X | A);
    pt.map(fn, CODE + PAGE, V | R | X | A);
    pt.map(fnW, CODE + PAGE, V | R | W | A | D);
    const f = new Asm(fn);
    f.addi(a0, zero, 7).ret();
    load(m, f, CODE + PAGE);
    const a = new Asm(main);
    a.li(s1, fn).jalr(ra, s1, 0).mv(a1, a0); // a1 = 7
    a.li(t0, fnW).li(t1, ADDI(a0, zero, 42)).sw(t1, t0, 0); // no FENCE.I
    a.jalr(ra, s1, 0).ebreak(); // a0 = 42
    load(m, a, CODE);
    bootInto(m, { satp: pt.satp(), entry: main });
    runToBreak(m);
    expect(m.getReg(a1)).toBe(7n);
    expect(m.getReg(a0)).toBe(42n);
  });

  // Regression: the interpreter used to advance by the cleared slot's length (0) and run the new
  // bytes at the store's own pc (found by this suite; fixed in ccec176).
  it('a store that overwrites itself completes, and execution continues at the next instruction', async () => {
    const m = await newMachine();
    const a = new Asm(RAM_BASE + 0x1000n);
    a.li(t1, ADDI(a0, a0, 100)).li(t0, RAM_BASE + 0x1000n + 64n);
    a.org(RAM_BASE + 0x1000n + 64n).label('self').sw(t1, t0, 0); // becomes `addi a0, a0, 100`
    a.addi(a1, a1, 1).ebreak();
    load(m, a);
    m.configure({ exitOnException: EXIT_ON_ALL });
    m.reset(a.base);
    const c0 = m.counters();
    const e = runToBreak(m);
    expect(e.pc).toBe(a.addr('self') + 8n);
    expect(m.getReg(a1)).toBe(1n);
    expect(m.getReg(a0)).toBe(0n); // the new instruction at `self` has not been reached
    expect(num(delta(c0, m.counters()), 'instret')).toBe(BigInt((a.addr('self') - a.base) / 4n + 2n));
    // Executed again, the patched instruction takes effect.
    m.pc = a.addr('self');
    runToBreak(m);
    expect(m.getReg(a0)).toBe(100n);
  });

  it('an AMO rewrites an instruction that already ran', async () => {
    const m = await newMachine();
    const a = new Asm(RAM_BASE + 0x1000n);
    a.li(a0, 0).li(s1, 2).li(t0, RAM_BASE + 0x1100n).li(t1, ADDI(a0, a0, 9));
    a.org(RAM_BASE + 0x1100n).label('loop').addi(a0, a0, 1); // pass 1: +1, pass 2: +9
    a.amoswapW(a1, t1, t0);
    a.addi(s1, s1, -1).bnez(s1, 'loop').ebreak();
    load(m, a);
    m.configure({ exitOnException: EXIT_ON_ALL });
    m.reset(a.base);
    const c0 = m.counters();
    runToBreak(m);
    expect(m.getReg(a0)).toBe(10n);
    expect(m.getReg(a1)).toBe(BigInt(ADDI(a0, a0, 9))); // the second swap returned the patched word
    expect(num(delta(c0, m.counters()), 'codeWrites')).toBeGreaterThanOrEqual(1n);
  });
});

describe('host writes invalidate decoded code', () => {
  it('writePhys, write64 and zeroPhys over executed instructions', async () => {
    const m = await newMachine();
    m.configure({ exitOnException: EXIT_ON_ALL });
    const at = RAM_BASE + 0x3000n;
    m.writePhys(at, new Uint8Array([...le32(ADDI(a0, zero, 1)), ...le32(0x00100073)]));
    m.reset(at);
    runToBreak(m);
    expect(m.getReg(a0)).toBe(1n);
    let c0 = m.counters();
    m.writePhys(at, le32(ADDI(a0, zero, 2)));
    expect(num(delta(c0, m.counters()), 'codeWrites')).toBe(1n);
    m.reset(at);
    runToBreak(m);
    expect(m.getReg(a0)).toBe(2n);
    c0 = m.counters();
    m.write64(at, (0x00100073n << 32n) | BigInt(ADDI(a0, zero, 3)));
    m.pc = at;
    runToBreak(m);
    expect(m.getReg(a0)).toBe(3n);
    expect(num(delta(c0, m.counters()), 'decodes')).toBeGreaterThanOrEqual(1n);
    // zeroPhys turns the instruction into 0x0000_0000: an illegal instruction.
    m.zeroPhys(at, 4);
    m.pc = at;
    expect(m.run(10)).toMatchObject({ reason: 'trap', cause: CAUSE.illegal, pc: at });
  });

  it('a host write spanning two decoded pages invalidates both', async () => {
    const m = await newMachine();
    m.configure({ exitOnException: EXIT_ON_ALL });
    const a = new Asm(RAM_BASE + 0x4000n);
    a.org(RAM_BASE + 0x4ffcn).addi(a0, zero, 1).addi(a1, zero, 1).ebreak(); // straddles 0x5000
    load(m, a);
    m.reset(RAM_BASE + 0x4ffcn);
    runToBreak(m);
    expect([m.getReg(a0), m.getReg(a1)]).toEqual([1n, 1n]);
    m.writePhys(RAM_BASE + 0x4ffcn, new Uint8Array([...le32(ADDI(a0, zero, 5)), ...le32(ADDI(a1, zero, 6))]));
    m.reset(RAM_BASE + 0x4ffcn);
    runToBreak(m);
    expect([m.getReg(a0), m.getReg(a1)]).toEqual([5n, 6n]);
  });

  it('a store to data in a code page that overlaps no instruction counts no code write', async () => {
    const m = await newMachine();
    m.configure({ exitOnException: EXIT_ON_ALL });
    const a = new Asm(RAM_BASE + 0x1000n);
    a.li(t0, RAM_BASE + 0x1100n).sw(zero, t0, 0).ebreak();
    a.org(RAM_BASE + 0x1100n).word(0xdeadbeef);
    load(m, a);
    m.reset(a.base);
    const c0 = m.counters();
    runToBreak(m);
    expect(m.readPhys(RAM_BASE + 0x1100n, 4)).toEqual(new Uint8Array(4));
    expect(num(delta(c0, m.counters()), 'codeWrites')).toBe(0n);
  });
});

describe('decoded-page conflicts', () => {
  it('two code pages 2 MiB apart share a decoded slot; alternating calls and a patch stay correct', async () => {
    const m = await newMachine();
    m.configure({ exitOnException: EXIT_ON_ALL });
    const f1 = RAM_BASE + 0x1_0000n, f2 = f1 + 0x20_0000n; // same physical page number mod 512
    const fa = new Asm(f1); fa.addi(a0, a0, 1).ret(); load(m, fa);
    const fb = new Asm(f2); fb.addi(a0, a0, 1000).ret(); load(m, fb);
    const a = new Asm(RAM_BASE + 0x1000n);
    a.li(a0, 0).li(s1, 10).li(t0, f1).li(t1, f2);
    a.label('l').jalr(ra, t0, 0).jalr(ra, t1, 0).addi(s1, s1, -1).bnez(s1, 'l').ebreak();
    a.li(t1, ADDI(a0, a0, 7)).sw(t1, t0, 0).jalr(ra, t0, 0).ebreak(); // patch f1 while f2 owns the slot
    load(m, a);
    m.reset(a.base);
    const c0 = m.counters();
    const e = runToBreak(m);
    expect(m.getReg(a0)).toBe(10n * 1001n);
    expect(num(delta(c0, m.counters()), 'decodedEvictions')).toBeGreaterThanOrEqual(19n);
    resume(m, e);
    runToBreak(m);
    expect(m.getReg(a0)).toBe(10n * 1001n + 7n);
  });
});

describe('an instruction straddling two pages', () => {
  // The 32-bit `addi a0, a0, 1` at VA 0x7000_0ffe has its low half in one page and its high half
  // (the immediate) in the next; the two pages are not physically contiguous.
  const P0 = 0x7000_0000n, P1 = 0x7000_1000n;
  const PA0 = CODE + 4n * PAGE, PA1 = CODE + 8n * PAGE;
  const STRAD = P0 + 0xffen;

  function build(fenceI: boolean, patchHalf: 'high' | 'low') {
    const a = new Asm(P0);
    a.li(a0, 0);
    a.label('again').li(s1, 3);
    a.label('loop').j('strad');
    a.org(STRAD).label('strad').addi(a0, a0, 1); // 0x00150513: low half 0x0513, high half 0x0015
    a.addi(s1, s1, -1).bnez(s1, 'loop').ebreak();
    if (patchHalf === 'high') a.li(t0, P1).li(t1, 0x1005).sh(t1, t0, 0); // addi a0, a0, 0x100
    else a.li(t0, STRAD).li(t1, 0x0593).sh(t1, t0, 0); // rd a0 -> a1: addi a1, a0, 1
    if (fenceI) a.fenceI();
    a.j('again');
    const bytes = a.bytes();
    return { a, lo: bytes.slice(0, 4096), hi: bytes.slice(4096) };
  }
  async function machine(lo: Uint8Array, hi: Uint8Array, p1Mapped = true) {
    const m = await newMachine();
    const pt = new PageTable(m, 'sv39');
    pt.map(P0, PA0, V | R | W | X | A | D);
    if (p1Mapped) pt.map(P1, PA1, V | R | W | X | A | D);
    m.writePhys(PA0, lo);
    m.writePhys(PA1, hi);
    bootInto(m, { satp: pt.satp(), entry: P0 });
    return m;
  }

  it('executes correctly across non-contiguous physical pages', async () => {
    const { lo, hi } = build(true, 'high');
    const m = await machine(lo, hi);
    runToBreak(m);
    expect(m.getReg(a0)).toBe(3n);
  });

  for (const fenceI of [true, false]) {
    it(`a guest store to the second half takes effect, ${fenceI ? 'with' : 'without'} FENCE.I`, async () => {
      const { lo, hi } = build(fenceI, 'high');
      const m = await machine(lo, hi);
      const e = runToBreak(m);
      expect(m.getReg(a0)).toBe(3n);
      resume(m, e);
      runToBreak(m);
      expect(m.getReg(a0)).toBe(3n + 3n * 0x100n);
    });

    it(`a guest store to the first half takes effect, ${fenceI ? 'with' : 'without'} FENCE.I`, async () => {
      const { lo, hi } = build(fenceI, 'low');
      const m = await machine(lo, hi);
      const e = runToBreak(m);
      expect(m.getReg(a0)).toBe(3n);
      resume(m, e);
      runToBreak(m);
      expect(m.getReg(a0)).toBe(3n);
      expect(m.getReg(a1)).toBe(4n); // addi a1, a0, 1
    });
  }

  it('a host write to the second half takes effect', async () => {
    const { a, lo, hi } = build(true, 'high');
    const m = await machine(lo, hi);
    runToBreak(m);
    expect(m.getReg(a0)).toBe(3n);
    m.writePhys(PA1, new Uint8Array([0x05, 0x10])); // high half 0x1005: addi a0, a0, 0x100
    m.pc = a.addr('again');
    runToBreak(m);
    expect(m.getReg(a0)).toBe(3n + 3n * 0x100n);
  });

  it('an unmapped second page: fetch page fault with tval at the second half, epc at the instruction', async () => {
    const { lo, hi } = build(true, 'high');
    const m = await machine(lo, hi, false);
    m.configure({ exitOnException: EXIT_ON_ALL & ~(1n << BigInt(CAUSE.fetchPage)) });
    m.writeCsr(CSR.stvec, P0); // never reached: the trap goes to M (not delegated)
    m.writeCsr(CSR.mtvec, RAM_BASE + 0x800n);
    m.writePhys(RAM_BASE + 0x800n, le32(0x00100073)); // M handler: ebreak
    runToBreak(m);
    expect(m.readCsr(CSR.mcause)).toBe(BigInt(CAUSE.fetchPage));
    expect(m.readCsr(CSR.mepc)).toBe(STRAD);
    expect(m.readCsr(CSR.mtval)).toBe(P1);
  });
});

