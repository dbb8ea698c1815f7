// Not-present pages (post-copy): any access to a page marked absent — load, store, AMO, LR/SC, a
// misaligned store that reaches into it, an instruction fetch, a page-table walk's PTE read, an
// HTIF request's buffer — exits with the page's address before anything is read or written, the
// instruction does not retire, and once the host has written the page and marked it present the
// same instruction runs as though nothing had happened.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { PageTable, bootInto, V, R, W, X, A as PTE_A, D as PTE_D } from '../mmu/harness.js';

const CODE = RAM_BASE, DATA = RAM_BASE + 0x10_0000n;

/** The code of `body` at CODE on a 2 MiB machine; EBREAK exits. The program is kept for its labels. */
let program: A.Program;
async function machineRunning(body: (p: A.Program) => void): Promise<Machine> {
  const m = await Machine.create({ ramBytes: 2 << 20 });
  program = new A.Program(CODE);
  body(program);
  m.writePhys(CODE, program.bytes());
  m.configure({ exitOnException: 1n << 3n });
  m.reset(CODE);
  return m;
}

/** Runs to the not-present exit for `page` at `pc` (the code before it is straight-line from CODE: nothing after it retired), then supplies the page. */
function expectAbsentExit(m: Machine, page: bigint, pc: bigint, contents: Uint8Array): void {
  const e = m.run(1000);
  expect({ reason: e.reason, pa: e.pa, pc: e.pc }).toEqual({ reason: 'not-present', pa: page, pc });
  expect(m.pc).toBe(pc);
  expect(m.instructions).toBe((pc - CODE) / 4n);
  m.writePhys(page, contents);
  m.setAbsent(page, 1, false);
}
const toBreak = (m: Machine) => { const e = m.run(1000); expect([e.reason, e.cause]).toEqual(['trap', 3]); return e; };
const pattern = (v: number) => new Uint8Array(4096).fill(v);

describe('not-present pages', () => {
  it('a load exits with the page address; the value written before marking it present is loaded', async () => {
    const m = await machineRunning((p) => { p.li(A.t0, DATA + 0x18n).label('load').i(A.ld(A.t1, 0, A.t0), A.ebreak()); });
    m.setAbsent(DATA, 1, true);
    expect(m.absentPages).toBe(1);
    expectAbsentExit(m, DATA, program.addr('load'), pattern(0x5a));
    expect(m.getReg(A.t1)).toBe(0n);
    toBreak(m);
    expect(m.getReg(A.t1)).toBe(0x5a5a_5a5a_5a5a_5a5an);
    expect(m.absentPages).toBe(0);
    expect((m.counters().exits as bigint[])[8]).toBe(1n);
  });

  it('a store, an AMO and LR exit before writing anything', async () => {
    for (const insn of [A.sd(A.t1, 0, A.t0), A.amoadd_d(A.t2, A.t1, A.t0), A.lr_d(A.t2, A.t0)]) {
      const m = await machineRunning((p) => { p.li(A.t0, DATA + 0x2000n).li(A.t1, 3).i(insn, A.ebreak()); });
      m.writePhys(DATA + 0x2000n, pattern(1));
      m.setAbsent(DATA + 0x2000n, 1, true);
      const e = m.run(1000);
      expect([e.reason, e.pa]).toEqual(['not-present', DATA + 0x2000n]);
      expect(m.readPhys(DATA + 0x2000n, 4096)).toEqual(pattern(1)); // untouched
      m.setAbsent(DATA + 0x2000n, 1, false);
      toBreak(m);
    }
  });

  it('a misaligned store that reaches into an absent page writes none of its bytes', async () => {
    const m = await machineRunning((p) => { p.li(A.t0, DATA + 0xffcn).li(A.t1, -1).i(A.sd(A.t1, 0, A.t0), A.ebreak()); });
    m.setAbsent(DATA + 0x1000n, 1, true);
    const e = m.run(1000);
    expect([e.reason, e.pa]).toEqual(['not-present', DATA + 0x1000n]);
    expect(m.read64(DATA + 0xff8n)).toBe(0n);
    m.setAbsent(DATA + 0x1000n, 1, false);
    toBreak(m);
    expect(m.read64(DATA + 0xff8n)).toBe(0xffff_ffff_0000_0000n);
    expect(m.read64(DATA + 0x1000n)).toBe(0xffff_ffffn);
  });

  it('fetching from an absent page exits at its pc; the code written into it then runs', async () => {
    const target = RAM_BASE + 0x4000n;
    const m = await machineRunning((p) => { p.li(A.t0, target).i(A.jalr(0, A.t0, 0)); });
    m.setAbsent(target, 1, true);
    const e = m.run(1000);
    expect([e.reason, e.pa, e.pc]).toEqual(['not-present', target, target]);
    const code = new A.Program(target).li(A.a0, 42).i(A.ebreak()).bytes();
    const page = new Uint8Array(4096);
    page.set(code);
    m.writePhys(target, page);
    m.setAbsent(target, 1, false);
    toBreak(m);
    expect(m.getReg(A.a0)).toBe(42n);
  });

  it('a decoded page made absent is dropped: its new contents run once it is present again', async () => {
    const m = await machineRunning((p) => { p.li(A.a0, 1).i(A.ebreak(), A.ebreak()); });
    toBreak(m);
    m.setAbsent(CODE, 1, true);
    m.pc = CODE;
    const e = m.run(1000);
    expect([e.reason, e.pa]).toEqual(['not-present', CODE]);
    const page = new Uint8Array(4096);
    page.set(new A.Program(CODE).li(A.a0, 2).i(A.ebreak()).bytes());
    m.writePhys(CODE, page);
    m.setAbsent(CODE, 1, false);
    toBreak(m);
    expect(m.getReg(A.a0)).toBe(2n);
  });

  it('a page-table walk that needs an absent page-table page exits with that page', async () => {
    const m = await Machine.create({ ramBytes: 8 << 20 });
    const pt = new PageTable(m, 'sv39');
    const code = RAM_BASE + 0x1_0000n, data = RAM_BASE + 0x30_0000n;
    const leafAt = pt.map(0x1000_0000n, data, V | R | W | PTE_A | PTE_D);
    pt.map(code, code, V | R | X | PTE_A);
    m.write64(data, 99n);
    m.writePhys(code, new A.Program(code).li(A.t0, 0x1000_0000n).i(A.ld(A.t1, 0, A.t0), A.ebreak()).bytes());
    bootInto(m, { satp: pt.satp(), entry: code });
    const leafPage = leafAt & ~0xfffn;
    const contents = m.readPhys(leafPage, 4096);
    m.zeroPhys(leafPage, 4096);
    m.setAbsent(leafPage, 1, true);
    let e = m.run(1000);
    expect([e.reason, e.pa]).toEqual(['not-present', leafPage]);
    m.writePhys(leafPage, contents);
    m.setAbsent(leafPage, 1, false);
    e = m.run(1000);
    expect([e.reason, e.cause]).toEqual(['trap', 3]);
    expect(m.getReg(A.t1)).toBe(99n);
  });

  it('an HTIF write whose buffer is absent is served once, after the page arrives', async () => {
    const TOHOST = RAM_BASE + 0x1000n, BLOCK = RAM_BASE + 0x4000n, BUF = RAM_BASE + 0x5000n;
    const m = await machineRunning((p) => { p.li(A.t0, TOHOST).li(A.t1, BLOCK).i(A.sd(A.t1, 0, A.t0), A.ebreak()); });
    m.setHtif(TOHOST, RAM_BASE + 0x1008n);
    for (const [i, v] of [64n, 1n, BUF, 5n].entries()) m.write64(BLOCK + BigInt(i * 8), v);
    m.setAbsent(BUF, 1, true);
    const e = m.run(1000);
    expect([e.reason, e.pa]).toEqual(['not-present', BUF]);
    expect(m.drainConsole().length).toBe(0);
    const page = new Uint8Array(4096);
    page.set(new TextEncoder().encode('hello'));
    m.writePhys(BUF, page);
    m.setAbsent(BUF, 1, false);
    toBreak(m);
    expect(new TextDecoder().decode(m.drainConsole())).toBe('hello');
  });

  it('refuses a range outside RAM or an unaligned address, and changes nothing', async () => {
    const m = await Machine.create({ ramBytes: 1 << 20 });
    expect(() => m.setAbsent(RAM_BASE + 0xff000n, 2, true)).toThrow(/outside RAM/);
    expect(() => m.setAbsent(RAM_BASE + 8n, 1, true)).toThrow(/not page-aligned/);
    expect(m.absentPages).toBe(0);
  });
});
