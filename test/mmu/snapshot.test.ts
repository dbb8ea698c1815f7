// Snapshot/restore of a paged guest mid-run, restore into a second machine, independence of two
// machines in one process, and rejected snapshots leaving the machine as it was.
import { describe, it, expect } from 'vitest';
import { Asm, CSR, t0, t1, t2, t3, t5, s1, s2, s3, s4, s5 } from './rv.js';
import {
  newMachine, PageTable, Machine, load, bootInto, delta, V, R, W, X, A, D, CODE, DATA, RAM_BASE,
  CAUSE, RAM_BYTES,
} from './harness.js';
import { MachineError, type Snapshot } from '../../bindings/machine.js';

const DVA = 0x4000_0000n;
const UART = 0x1000_0000n;
const HANDLER = RAM_BASE + 0x800n;

/**
 * S-mode under Sv39: every iteration updates one of 8 data pages, prints a character on the UART,
 * and every 16th iteration makes an ECALL that an M-mode handler counts (s5) and returns from.
 */
async function guest(opts: { ramBytes?: number; flavor?: 'release' | 'debug' } = {}): Promise<Machine> {
  const m = await newMachine(opts);
  const pt = new PageTable(m, 'sv39');
  pt.mapRange(CODE, CODE, 2, V | R | X | A);
  pt.map(UART, UART, V | R | W | A | D);
  pt.mapRange(DVA, DATA, 8, V | R | W | A | D);
  const a = new Asm(CODE);
  a.li(s1, UART).li(s2, 0).li(s3, DVA).li(s4, 0);
  a.label('loop');
  a.andi(t0, s2, 7).slli(t0, t0, 12).add(t0, t0, s3);
  a.ld(t1, t0, 0).add(t1, t1, s2).sd(t1, t0, 0).add(s4, s4, t1);
  a.andi(t2, s4, 31).addi(t2, t2, 65).sb(t2, s1, 0);
  a.andi(t3, s2, 15).bnez(t3, 'skip').ecall().label('skip');
  a.addi(s2, s2, 1).j('loop');
  load(m, a);
  const h = new Asm(HANDLER);
  h.csrr(t5, CSR.mepc).addi(t5, t5, 4).csrw(CSR.mepc, t5).addi(s5, s5, 1).mret();
  load(m, h);
  bootInto(m, { satp: pt.satp(3n), entry: CODE });
  m.writeCsr(CSR.mtvec, HANDLER);
  m.configure({ exitOnException: 1n << BigInt(CAUSE.breakpoint) });
  return m;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const regs = (m: Machine) => [...Array.from({ length: 32 }, (_, i) => m.getReg(i)), m.pc, BigInt(m.priv)];
const ARCH = ['instret', 'cycles', 'instretByMode', 'exceptions', 'interrupts', 'exits'];
const pick = (c: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, c[k]]));
/** Restore flushes the fast TLB itself, and counts it: every other counter comes back exactly. */
const withoutFlushes = (c: Record<string, unknown>) => { const o = { ...c }; delete o.fastFlushes; return o; };
/** Byte arrays compared without per-element diffing (fast for megabytes). */
const hex = (b: Uint8Array) => Buffer.from(b).toString('base64');

function step(m: Machine, n: number) {
  const c0 = m.counters();
  const e = m.run(n);
  expect(e.reason).toBe('budget');
  return { out: text(m.drainConsole()), regs: regs(m), d: delta(c0, m.counters()), data: hex(m.readPhys(DATA, 8 * 4096)) };
}

describe('snapshot and restore', () => {
  it('restore replays the same output, registers, memory and counters; a second machine does too', async () => {
    const m1 = await guest();
    step(m1, 3001); // mid-run, mid-iteration
    const snap = m1.snapshot();
    const atSnap = { regs: regs(m1), counters: m1.counters() };
    const first = step(m1, 5000);
    expect(first.out.length).toBeGreaterThan(300);
    expect(first.d.exceptions).toBeGreaterThan(0n);

    m1.restore(snap);
    expect(regs(m1)).toEqual(atSnap.regs);
    expect(withoutFlushes(m1.counters())).toEqual(withoutFlushes(atSnap.counters));
    const again = step(m1, 5000);
    expect(again.out).toBe(first.out);
    expect(again.regs).toEqual(first.regs);
    expect(again.data).toEqual(first.data);
    expect(pick(again.d, ARCH)).toEqual(pick(first.d, ARCH));

    m1.restore(snap);
    const third = step(m1, 5000);
    expect(third.d).toEqual(again.d); // both start from a restore: every counter matches

    const m2 = await guest(); // restore into another machine (and one built from different RAM contents)
    m2.zeroPhys(RAM_BASE, RAM_BYTES);
    m2.restore(snap);
    const other = step(m2, 5000);
    expect(other.out).toBe(first.out);
    expect(other.regs).toEqual(first.regs);
    expect(other.data).toEqual(first.data);
    expect(other.d).toEqual(again.d);
  });

  it('restores into a machine of the other core flavor', async () => {
    const m1 = await guest();
    step(m1, 2000);
    const snap = m1.snapshot();
    const first = step(m1, 3000);
    const m2 = await newMachine({ flavor: 'debug' });
    m2.restore(snap);
    const other = step(m2, 3000);
    expect(other.out).toBe(first.out);
    expect(other.regs).toEqual(first.regs);
  });

  it('the snapshot is a copy: running on does not change it', async () => {
    const m = await guest();
    step(m, 1000);
    const snap = m.snapshot();
    const ram = hex(snap.ram);
    const state = snap.state.slice();
    step(m, 3000);
    expect(hex(snap.ram) === ram).toBe(true);
    expect(snap.state).toEqual(state);
  });

  it('two machines run independently in one process', async () => {
    const m1 = await guest();
    step(m1, 1500);
    const snap = m1.snapshot();
    const m2 = await newMachine();
    m2.restore(snap);
    // Interleaved slices give the same results as each machine alone.
    let o1 = '', o2 = '';
    for (let i = 0; i < 5; i++) { o1 += step(m1, 700).out; o2 += step(m2, 700).out; }
    expect(o2).toBe(o1);
    expect(regs(m2)).toEqual(regs(m1));
    // Host writes to one machine's RAM never show in the other.
    m1.writePhys(DATA + 0x800n, new Uint8Array([1, 2, 3, 4]));
    expect(m2.readPhys(DATA + 0x800n, 4)).toEqual(new Uint8Array(4));
    // Guest stores neither: run only m2, m1's pages stay as they were.
    const before = hex(m1.readPhys(DATA, 8 * 4096));
    step(m2, 2000);
    expect(hex(m1.readPhys(DATA, 8 * 4096))).toBe(before);
    expect(hex(m2.readPhys(DATA, 8 * 4096))).not.toBe(before);
    expect(m1.drainConsole().length).toBe(0);
  });

  describe('rejected snapshots leave the machine unchanged and runnable', () => {
    async function checkRejected(bad: (good: Snapshot) => Snapshot, message: RegExp) {
      const m = await guest();
      step(m, 2500);
      const good = m.snapshot();
      const before = { regs: regs(m), counters: m.counters(), ram: hex(m.readPhys(RAM_BASE, RAM_BYTES)) };
      let err: unknown;
      try { m.restore(bad(good)); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(MachineError);
      expect((err as Error).message).toMatch(message);
      expect(regs(m)).toEqual(before.regs);
      expect(m.counters()).toEqual(before.counters);
      expect(hex(m.readPhys(RAM_BASE, RAM_BYTES)) === before.ram).toBe(true);
      const after = step(m, 3000);
      const control = await newMachine();
      control.restore(good);
      const expected = step(control, 3000);
      expect(after.out).toBe(expected.out);
      expect(after.regs).toEqual(expected.regs);
    }

    it('a wrong version', () => checkRejected((g) => ({ ...g, version: g.version + 1 }), /version/));

    it('a snapshot of a machine with another RAM size', async () => {
      const small = await newMachine({ ramBytes: RAM_BYTES / 2 });
      const foreign = small.snapshot();
      await checkRejected(() => foreign, /RAM/);
    });

    it('a RAM image of the wrong length', () =>
      checkRejected((g) => ({ ...g, ram: g.ram.slice(0, g.ram.length - 4096) }), /RAM/));

    it('a state of the wrong length', () =>
      checkRejected((g) => ({ ...g, state: g.state.slice(0, g.state.length - 1) }), /state/));

    // Regression: restore() used to copy a rings array of any length (past the UART rings, after
    // replacing the state); checked since ccec176.
    it('console rings of the wrong length', () =>
      checkRejected((g) => ({ ...g, rings: new Uint8Array(g.rings.length + 0x1000) }), /ring/i));
  });
});

