// run(budget) always returns: retired instructions and traps both spend the budget.
import { describe, it, expect } from 'vitest';
import { Machine, RAM_BASE } from '../../bindings/machine.js';

describe('run budget', () => {
  it('run-returns-when-the-trap-vector-itself-faults', async () => {
    const m = await Machine.create({ ramBytes: 1 << 20 });
    m.writePhys(RAM_BASE, new Uint8Array(new Uint32Array([0x00000000]).buffer)); // illegal; mtvec = 0 is unmapped
    m.reset(RAM_BASE);
    const e = m.run(10_000);
    expect(e.reason).toBe('budget');
    const c = m.counters();
    expect(c.exceptions).toBe(10_000n);
    expect(c.instret).toBe(0n);
    expect(m.readCsr(0x342)).toBe(1n); // the last trap: instruction access fault at 0
  });

  it('retires exactly the budget when nothing traps', async () => {
    const m = await Machine.create({ ramBytes: 1 << 20 });
    m.writePhys(RAM_BASE, new Uint8Array(new Uint32Array([0x00150513, 0xffdff06f]).buffer)); // addi a0,a0,1; j -4
    m.reset(RAM_BASE);
    for (const n of [1, 2, 3, 1000, 12345]) {
      const before = m.counters().instret as bigint;
      expect(m.run(n).reason).toBe('budget');
      expect((m.counters().instret as bigint) - before).toBe(BigInt(n));
    }
    expect(m.getReg(10)).toBe(BigInt((1 + 2 + 3 + 1000 + 12345 + 1) >> 1));
  });
});
