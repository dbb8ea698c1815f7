// Regression: a store that overwrites its own instruction clears its own decoded slot; the
// interpreter must still continue at the next instruction (not re-run the new bytes in place).
import { it, expect } from 'vitest';
import { machineWith, RAM_BASE } from '../helpers/machine.js';
import { addi, sw, lui, U, words } from '../helpers/encode.js';

it('store-that-overwrites-itself-continues-at-the-next-instruction', async () => {
  const patch = addi(10, 10, 100); // the store writes "addi a0, a0, 100" over itself
  const hi = ((patch + 0x800) >>> 12) & 0xfffff, lo = (patch << 20) >> 20;
  const m = await machineWith([
    U(0x17)(5, 0), addi(5, 5, 16), // t0 = address of the sw
    lui(6, hi), addi(6, 6, lo), // t1 = patch
    sw(6, 5, 0), addi(11, 11, 1), 0x0000006f, // sw t1, 0(t0); addi a1, a1, 1; j .
  ]);
  m.run(6);
  expect(m.getReg(11)).toBe(1n); // the instruction after the store ran
  expect(m.getReg(10)).toBe(0n); // the new instruction in the store's place did not
  expect(m.readPhys(RAM_BASE + 16n, 4)).toEqual(words([patch]));
  expect(m.counters().codeWrites).toBe(1n);
  m.pc = RAM_BASE + 16n; // run it now: the patched instruction takes effect
  m.run(1);
  expect(m.getReg(10)).toBe(100n);
});
