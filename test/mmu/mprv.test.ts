// mstatus.MPRV (privileged spec, "Memory Privilege in mstatus"): with MPRV = 1, M-mode loads and
// stores are translated and protected as if the privilege were MPP; instruction fetches are not.
import { describe, it, expect, beforeEach } from 'vitest';
import { Asm, CSR, t0, t1, t2, a0, a1, a2, zero } from './rv.js';
import {
  newMachine, PageTable, Machine, load, runToBreak, delta, arr, V, R, W, X, U, A, D, SUM, MXR, MPRV, MPP_SHIFT,
  CAUSE, CODE, DATA, PAGE, EXIT_ON_ALL, READ, WRITE, FETCH, resume,
} from './harness.js';

const DVA = 0x4000_0000n;
const S_PAGE = DVA, U_PAGE = DVA + PAGE, RO_PAGE = DVA + 2n * PAGE, XO_PAGE = DVA + 3n * PAGE;
const UNMAPPED = 0x5000_0000n;

describe('MPRV', () => {
  let m: Machine;
  let pt: PageTable;
  beforeEach(async () => {
    m = await newMachine();
    pt = new PageTable(m, 'sv39');
    pt.map(S_PAGE, DATA, V | R | W | A | D);
    pt.map(U_PAGE, DATA + PAGE, V | R | W | U | A | D);
    pt.map(RO_PAGE, DATA + 2n * PAGE, V | R | A | D);
    pt.map(XO_PAGE, DATA + 3n * PAGE, V | X | A | D);
    // The M-mode code's own addresses map to a non-executable data page: if fetches were
    // translated they would fault (or run other bytes).
    pt.mapRange(CODE, DATA + 4n * PAGE, 4, V | R | W | A | D);
    for (let i = 0n; i < 5n; i++) m.write64(DATA + i * PAGE, 0x100n + i);
    pt.install();
    m.configure({ exitOnException: EXIT_ON_ALL });
  });

  /** Runs M-mode code at CODE with mstatus = MPRV? | MPP | extra; returns the exit. */
  function runM(body: (a: Asm) => void, mstatus: bigint) {
    const a = new Asm(CODE);
    a.li(t0, mstatus).csrw(CSR.mstatus, t0);
    body(a);
    a.ebreak();
    load(m, a);
    m.reset(CODE);
    m.writeCsr(0x180, pt.satp());
    return { a, e: m.run(10_000) };
  }
  const mpp = (p: number) => BigInt(p) << MPP_SHIFT;

  it('MPP = S: loads and stores are translated; fetches are not (and cost no TLB lookups)', () => {
    const c0 = m.counters();
    const { e } = runM((a) => {
      a.li(t1, S_PAGE).ld(a0, t1, 0).li(t2, 0x55).sd(t2, t1, 8).ld(a1, t1, 8);
      a.li(t1, XO_PAGE).ld(a2, t1, 0); // MXR is set below
    }, MPRV | mpp(1) | MXR);
    expect(e).toMatchObject({ reason: 'trap', cause: CAUSE.breakpoint });
    expect(m.getReg(a0)).toBe(0x100n);
    expect(m.getReg(a1)).toBe(0x55n);
    expect(m.read64(DATA + 8n)).toBe(0x55n);
    expect(m.getReg(a2)).toBe(0x103n);
    expect(m.priv).toBe(3);
    const d = delta(c0, m.counters());
    expect(arr(d, 'tlbMisses')).toEqual([2n, 0n, 0n]); // S_PAGE (then a write hit), XO_PAGE; no fetch lookups
    expect(arr(d, 'tlbHits')[WRITE] + arr(d, 'tlbHits')[READ]).toBe(2n);
    expect(arr(d, 'tlbHits')[FETCH]).toBe(0n);
  });

  it('MPP = S: page faults carry the load/store causes and the virtual address', () => {
    let r = runM((a) => a.li(t1, UNMAPPED).label('x').ld(a0, t1, 0), MPRV | mpp(1));
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.loadPage, tval: UNMAPPED, pc: r.a.addr('x') });
    r = runM((a) => a.li(t1, RO_PAGE).label('x').sd(zero, t1, 0), MPRV | mpp(1));
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.storePage, tval: RO_PAGE, pc: r.a.addr('x') });
    r = runM((a) => a.li(t1, U_PAGE + 16n).label('x').ld(a0, t1, 0), MPRV | mpp(1)); // no SUM
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.loadPage, tval: U_PAGE + 16n });
    r = runM((a) => a.li(t1, U_PAGE).ld(a0, t1, 0), MPRV | mpp(1) | SUM);
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.breakpoint });
    expect(m.getReg(a0)).toBe(0x101n);
    r = runM((a) => a.li(t1, XO_PAGE).label('x').ld(a0, t1, 0), MPRV | mpp(1)); // no MXR
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.loadPage, tval: XO_PAGE });
    // The physical address of the data, used as a virtual one, is not mapped.
    r = runM((a) => a.li(t1, DATA).label('x').ld(a0, t1, 0), MPRV | mpp(1));
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.loadPage, tval: DATA });
  });

  it('MPP = U: only U pages, SUM irrelevant', () => {
    let r = runM((a) => a.li(t1, U_PAGE).ld(a0, t1, 0).sd(a0, t1, 8), MPRV | mpp(0));
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.breakpoint });
    expect(m.getReg(a0)).toBe(0x101n);
    r = runM((a) => a.li(t1, S_PAGE).label('x').ld(a0, t1, 0), MPRV | mpp(0) | SUM);
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.loadPage, tval: S_PAGE, pc: r.a.addr('x') });
    r = runM((a) => a.li(t1, S_PAGE).label('x').sd(a0, t1, 0), MPRV | mpp(0));
    expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.storePage, tval: S_PAGE, pc: r.a.addr('x') });
  });

  it('MPP = M, or MPRV = 0: no translation', () => {
    for (const ms of [MPRV | mpp(3), mpp(1), mpp(0)]) {
      const c0 = m.counters();
      const r = runM((a) => a.li(t1, DATA + 2n * PAGE).ld(a0, t1, 0).sd(a0, t1, 8), ms);
      expect(r.e).toMatchObject({ reason: 'trap', cause: CAUSE.breakpoint });
      expect(m.getReg(a0)).toBe(0x102n);
      const d = delta(c0, m.counters());
      expect(arr(d, 'tlbMisses')).toEqual([0n, 0n, 0n]);
      expect(arr(d, 'tlbHits')).toEqual([0n, 0n, 0n]);
    }
  });

  it('a page fault under MPRV traps into M-mode, where MPP = M makes the handler untranslated', () => {
    m.configure({ exitOnException: 1n << BigInt(CAUSE.breakpoint) });
    const a = new Asm(CODE);
    a.li(t0, 0x8001_0800n).csrw(CSR.mtvec, t0);
    a.li(t0, MPRV | mpp(1)).csrw(CSR.mstatus, t0);
    a.li(t1, UNMAPPED).label('x').ld(a0, t1, 0).ebreak();
    a.org(0x8001_0800n).li(t1, DATA + PAGE).ld(a1, t1, 0).csrr(a2, CSR.mstatus).ebreak();
    load(m, a);
    m.reset(CODE);
    m.writeCsr(0x180, pt.satp());
    runToBreak(m);
    expect(m.readCsr(CSR.mcause)).toBe(BigInt(CAUSE.loadPage));
    expect(m.readCsr(CSR.mtval)).toBe(UNMAPPED);
    expect(m.readCsr(CSR.mepc)).toBe(a.addr('x'));
    expect(m.getReg(a1)).toBe(0x101n); // physical DATA + PAGE
    expect((m.getReg(a2) >> MPP_SHIFT) & 3n).toBe(3n);
    expect(m.getReg(a2) & MPRV).toBe(MPRV);
  });

  it('MRET to S clears MPRV; so does SRET to U', () => {
    pt.map(CODE, CODE, V | R | X | A); // identity for the S code this time
    pt.map(CODE + PAGE, CODE + PAGE, V | R | X | U | A); // and a U page
    const a = new Asm(CODE);
    a.li(t0, MPRV | mpp(1)).csrw(CSR.mstatus, t0);
    a.li(t0, 0x8001_0100n).csrw(CSR.mepc, t0).mret();
    a.org(0x8001_0100n).ebreak();
    a.li(t0, CODE + PAGE).csrw(CSR.sepc, t0).sret(); // SPP = U after reset
    a.org(CODE + PAGE).ebreak();
    load(m, a);
    m.reset(CODE);
    m.writeCsr(0x180, pt.satp());
    let e = runToBreak(m);
    expect(m.priv).toBe(1);
    expect(m.readCsr(CSR.mstatus) & MPRV).toBe(0n);
    m.writeCsr(CSR.mstatus, m.readCsr(CSR.mstatus) | MPRV); // the host sets it behind S-mode's back
    resume(m, e);
    e = runToBreak(m);
    expect(e.pc).toBe(CODE + PAGE);
    expect(m.priv).toBe(0);
    expect(m.readCsr(CSR.mstatus) & MPRV).toBe(0n);
  });
});

