// Dirty logging in the core: with it on, every write to a RAM page sets the page's bit, whoever
// made it — plain stores of every size, AMOs, a successful SC, a misaligned store across two
// pages, the walker's A/D updates, HTIF, the host — and read-and-clear re-arms exactly what it
// hands over, so a page written after it was read is always seen again (no dirty page is lost).
// Reads, failed SCs and LR mark nothing; with logging off nothing is marked at all.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { PageTable, bootInto, runToBreak, V, R, W, X, A as PTE_A, D as PTE_D } from '../mmu/harness.js';

const PAGE = 4096n;
const page = (pa: bigint) => Number((pa - RAM_BASE) / PAGE);
/** Page indices whose bit is set. */
function dirtyPages(bits: Uint32Array): number[] {
  const out: number[] = [];
  bits.forEach((w, i) => { for (let b = 0; b < 32; b++) if ((w >>> b) & 1) out.push(i * 32 + b); });
  return out;
}

const CODE = RAM_BASE, DATA = RAM_BASE + 0x10_0000n;
/** A 2 MiB machine running `body` in M-mode from CODE; the body ends each step with EBREAK. */
async function machineRunning(body: (p: A.Program) => void): Promise<Machine> {
  const m = await Machine.create({ ramBytes: 2 << 20 });
  const p = new A.Program(CODE);
  body(p);
  m.writePhys(CODE, p.bytes());
  m.configure({ exitOnException: 1n << 3n });
  m.reset(CODE);
  return m;
}
const step = (m: Machine) => { const e = m.run(100_000); expect([e.reason, e.cause]).toEqual(['trap', 3]); m.pc = e.pc + 4n; };

describe('dirty logging', () => {
  it('marks the page of every store size, and nothing for loads; counts one slow store per page', async () => {
    const m = await machineRunning((p) => {
      const at = (off: bigint) => p.li(A.t2, DATA + off);
      p.li(A.t0, DATA).li(A.t1, 0x1122_3344_5566_7788n);
      p.i(A.sb(A.t1, 0, A.t0), A.sb(A.t1, 1, A.t0));
      at(0x1000n).i(A.sh(A.t1, 0, A.t2));
      at(0x2000n).i(A.sw(A.t1, 4, A.t2));
      at(0x3000n).i(A.sd(A.t1, 8, A.t2));
      at(0x4000n).i(A.ld(A.t3, 0, A.t2));
      at(0x5000n).i(A.lbu(A.t3, 0, A.t2), A.ebreak());
      p.i(A.sb(A.t1, 2, A.t0));
      at(0x6000n).i(A.sd(A.t1, 0, A.t2), A.ebreak());
    });
    m.dirtyLogging = true;
    m.readAndClearDirty(); // the host's loading writes happened before; start from nothing
    const before = m.counters();
    step(m);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([0x100, 0x101, 0x102, 0x103]);
    expect(Number(m.counters().dirtyFaults) - Number(before.dirtyFaults)).toBe(4); // the second sb to DATA hit the fast path
    step(m);
    // DATA was read and cleared, so its next store is seen again; 0x106 is new.
    expect(dirtyPages(m.readAndClearDirty())).toEqual([0x100, 0x106]);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([]);
  });

  it('AMOs and a successful SC mark their page; LR and a failed SC do not', async () => {
    const m = await machineRunning((p) => {
      p.li(A.t0, DATA).li(A.t1, 5);
      p.i(A.amoadd_w(A.t2, A.t1, A.t0), A.ebreak());
      p.li(A.t0, DATA + 0x1000n).i(A.amoswap_d(A.t2, A.t1, A.t0), A.ebreak());
      p.li(A.t0, DATA + 0x2000n).i(A.lr_d(A.t2, A.t0), A.ebreak());
      p.i(A.sc_d(A.t2, A.t1, A.t0), A.ebreak()); // the exit between LR and SC keeps the reservation
      p.li(A.t0, DATA + 0x3000n).i(A.sc_w(A.t3, A.t1, A.t0), A.ebreak()); // no reservation: fails
    });
    m.dirtyLogging = true;
    m.readAndClearDirty();
    for (const expected of [[0x100], [0x101], [], [0x102], []]) {
      step(m);
      expect(dirtyPages(m.readAndClearDirty())).toEqual(expected);
    }
    expect(m.getReg(A.t2)).toBe(0n); // the SC succeeded
    expect(m.getReg(A.t3)).toBe(1n); // the second failed
  });

  it('a misaligned store across two pages marks both', async () => {
    const m = await machineRunning((p) => {
      p.li(A.t0, DATA + 0xffdn).li(A.t1, -1).i(A.sd(A.t1, 0, A.t0), A.ebreak());
    });
    m.dirtyLogging = true;
    m.readAndClearDirty();
    step(m);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([0x100, 0x101]);
    expect(m.read64(DATA + 0xff8n)).toBe(0xffff_ff00_0000_0000n);
  });

  it('host writes mark every page they cover; host reads do not', async () => {
    const m = await Machine.create({ ramBytes: 1 << 20 });
    m.dirtyLogging = true;
    m.writePhys(RAM_BASE + 0x1ff0n, new Uint8Array(0x20)); // pages 1 and 2
    m.write64(RAM_BASE + 0x5000n, 1n);
    m.zeroPhys(RAM_BASE + 0x8000n, 0x2000); // pages 8 and 9
    m.readPhys(RAM_BASE + 0xa000n, 4096);
    m.read64(RAM_BASE + 0xb000n);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([1, 2, 5, 8, 9]);
    expect(Number(m.counters().dirtyHostWrites)).toBe(5);
  });

  it('HTIF marks fromhost and the syscall block it writes, in other pages than tohost', async () => {
    const TOHOST = RAM_BASE + 0x1000n, FROMHOST = RAM_BASE + 0x3000n, BLOCK = RAM_BASE + 0x4000n, BUF = RAM_BASE + 0x5000n;
    const m = await machineRunning((p) => {
      p.li(A.t0, TOHOST).li(A.t1, BLOCK).i(A.sd(A.t1, 0, A.t0), A.ebreak());
    });
    m.setHtif(TOHOST, FROMHOST);
    for (const [i, v] of [64n, 1n, BUF, 2n].entries()) m.write64(BLOCK + BigInt(i * 8), v);
    m.writePhys(BUF, new TextEncoder().encode('ok'));
    m.dirtyLogging = true;
    step(m);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([page(TOHOST), page(FROMHOST), page(BLOCK)]);
    expect(new TextDecoder().decode(m.drainConsole())).toBe('ok');
    expect(m.read64(BLOCK)).toBe(2n);
  });

  it('the walker\'s A/D updates mark the page-table page; stores through a mapping mark the physical page', async () => {
    const m = await Machine.create({ ramBytes: 8 << 20 });
    m.configure({ hardwareAD: true });
    const pt = new PageTable(m, 'sv39');
    const code = RAM_BASE + 0x1_0000n, data = RAM_BASE + 0x30_0000n;
    const leafAt = pt.map(0x1000_0000n, data, V | R | W); // A and D clear: the walker sets them
    pt.map(code, code, V | R | X | PTE_A);
    const p = new A.Program(code);
    p.li(A.t0, 0x1000_0000n).li(A.t1, 7).i(A.sd(A.t1, 8, A.t0), A.ebreak());
    m.writePhys(code, p.bytes());
    bootInto(m, { satp: pt.satp(), entry: code });
    m.dirtyLogging = true;
    m.readAndClearDirty();
    runToBreak(m);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([page(leafAt), page(data)].sort((a, b) => a - b));
    expect(m.read64(leafAt) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(m.read64(data + 8n)).toBe(7n);
  });

  it('a page written again after read-and-clear is always logged again: no dirty page lost over many rounds', async () => {
    // The guest stores to page (i * 7) % 16 on round i, twice: every page comes back four times, and
    // each round must show exactly its page (a stale write entry or a page not re-armed would hide it).
    const m = await machineRunning((p) => {
      p.li(A.s0, DATA).li(A.s1, 0).li(A.s2, 64);
      p.label('loop');
      p.i(A.li(A.t0, 7), A.mul(A.t0, A.t0, A.s1), A.andi(A.t0, A.t0, 15), A.slli(A.t0, A.t0, 12), A.add(A.t0, A.t0, A.s0));
      p.i(A.sd(A.s1, 0, A.t0), A.sd(A.s1, 8, A.t0), A.ebreak(), A.addi(A.s1, A.s1, 1));
      p.b((o) => A.blt(A.s1, A.s2, o), 'loop');
      p.i(A.ebreak());
    });
    m.dirtyLogging = true;
    m.readAndClearDirty();
    for (let i = 0; i < 64; i++) {
      step(m);
      expect(dirtyPages(m.readAndClearDirty())).toEqual([0x100 + ((i * 7) % 16)]);
    }
  });

  it('while off nothing is marked and read-and-clear returns the bits logged before', async () => {
    const m = await machineRunning((p) => {
      p.li(A.t0, DATA).li(A.t1, DATA + 0x1000n).i(A.sd(A.t0, 0, A.t0), A.ebreak(), A.sd(A.t0, 0, A.t1), A.ebreak());
    });
    step(m);
    m.write64(RAM_BASE + 0x8000n, 1n);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([]);
    expect(m.dirtyLogging).toBe(false);
    m.dirtyLogging = true;
    step(m);
    m.dirtyLogging = false;
    m.write64(RAM_BASE + 0x8000n, 2n);
    expect(dirtyPages(m.readAndClearDirty())).toEqual([0x101]);
    expect(Number(m.counters().dirtyFaults)).toBe(1);
  });
});
