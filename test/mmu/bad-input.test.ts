// The Machine API rejects bad arguments with MachineError and changes nothing.
import { describe, it, expect } from 'vitest';
import { MachineError } from '../../bindings/machine.js';
import { newMachine, RAM_BASE, RAM_END, PageTable, Machine } from './harness.js';
import { Asm, a0 } from './rv.js';

function throwsMachineError(f: () => unknown, message?: RegExp) {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err, 'expected a MachineError').toBeInstanceOf(MachineError);
  if (message) expect((err as Error).message).toMatch(message);
}
const hex = (v: bigint) => `0x${v.toString(16)}`;

describe('physical memory access out of RAM', () => {
  it('readPhys / writePhys / zeroPhys / read64 / write64 name the range and RAM', async () => {
    const m = await newMachine();
    const cases: [bigint, number][] = [
      [RAM_BASE - 1n, 1], [RAM_BASE - 8n, 16], [RAM_END, 1], [RAM_END - 4n, 8], [0n, 4], [0x1000_0000n, 1], [0xffff_ffff_ffff_fff8n, 8],
    ];
    for (const [pa, len] of cases) {
      const named = new RegExp(`${hex(pa)}.*${hex(RAM_BASE)}.*${hex(RAM_END)}`);
      throwsMachineError(() => m.readPhys(pa, len), named);
      throwsMachineError(() => m.writePhys(pa, new Uint8Array(len)), named);
      throwsMachineError(() => m.zeroPhys(pa, len), named);
    }
    throwsMachineError(() => m.read64(RAM_END - 4n), new RegExp(hex(RAM_END - 4n)));
    throwsMachineError(() => m.write64(RAM_BASE - 8n, 1n), new RegExp(hex(RAM_BASE - 8n)));
    // The edges themselves are fine.
    expect(m.readPhys(RAM_BASE, 1).length).toBe(1);
    m.write64(RAM_END - 8n, 0x1122_3344_5566_7788n);
    expect(m.read64(RAM_END - 8n)).toBe(0x1122_3344_5566_7788n);
    expect(m.readPhys(RAM_END, 0).length).toBe(0);
  });

  it('a failed write changes nothing (not even the in-RAM part)', async () => {
    const m = await newMachine();
    m.writePhys(RAM_END - 4n, new Uint8Array([9, 9, 9, 9]));
    throwsMachineError(() => m.writePhys(RAM_END - 4n, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
    expect(m.readPhys(RAM_END - 4n, 4)).toEqual(new Uint8Array([9, 9, 9, 9]));
  });

  // Regression (found by this suite): a negative or fractional length used to pass the range
  // check and fail inside the typed-array constructor or BigInt() with a RangeError.
  it('negative or fractional lengths are rejected as MachineError', async () => {
    const m = await newMachine();
    throwsMachineError(() => m.readPhys(RAM_BASE, -1));
    throwsMachineError(() => m.readPhys(RAM_BASE, 1.5));
    throwsMachineError(() => m.zeroPhys(RAM_BASE, -4));
  });
});

describe('configure', () => {
  it('rejects bad TLB geometry, accepts valid ones', async () => {
    const m = await newMachine();
    const bad: [number, number][] = [
      [0, 1], [3, 1], [6, 2], [8192, 4], [64, 0], [64, 3], [64, 128], [-64, 4], [64, -4], [96, 3], [64, 48], [NaN, 4], [64, NaN],
    ];
    for (const [entries, ways] of bad) throwsMachineError(() => m.configure({ tlb: { entries, ways } }), /TLB geometry/);
    // Valid ones, including a fully associative TLB and the maximum.
    for (const [entries, ways] of [[1, 1], [4, 4], [4096, 1], [4096, 4096], [64, 4]] as [number, number][]) {
      expect(() => m.configure({ tlb: { entries, ways } })).not.toThrow();
    }
  });

  // Regression (found by this suite): entries/ways reach the core as i32, so a non-integer
  // (64.5 -> 64) or an out-of-range double (2^32 + 64 -> 64) used to be truncated and accepted.
  it('rejects non-integer TLB geometry', async () => {
    const m = await newMachine();
    throwsMachineError(() => m.configure({ tlb: { entries: 64.5, ways: 4 } }), /TLB geometry/);
    throwsMachineError(() => m.configure({ tlb: { entries: 2 ** 32 + 64, ways: 4 } }), /TLB geometry/);
    throwsMachineError(() => m.configure({ tlb: { entries: 64, ways: 4.25 } }), /TLB geometry/);
  });

  it('a rejected geometry leaves the TLB working: a paged program still runs', async () => {
    const m = await newMachine();
    m.configure({ tlb: { entries: 8, ways: 2 } });
    throwsMachineError(() => m.configure({ tlb: { entries: 8, ways: 3 } }));
    const pt = new PageTable(m, 'sv39');
    pt.map(0x1000n, RAM_BASE + 0x1000n, 0xcfn); // V R W X A D
    pt.install();
    expect(m.translate(0x1010n, 0, 1)).toMatchObject({ ok: true, pa: RAM_BASE + 0x1010n });
  });

  it('rejects a non-positive or fractional cyclesPerTick', async () => {
    const m = await newMachine();
    for (const v of [0, -1, 1.5, NaN]) throwsMachineError(() => m.configure({ cyclesPerTick: v }), /cyclesPerTick/);
  });
});

describe('run budget, registers, privilege', () => {
  let m: Machine;
  it('run(0), run(-1), run(1.5), run(NaN), run(2^31) throw; the machine is untouched', async () => {
    m = await newMachine();
    const a = new Asm(RAM_BASE);
    a.addi(a0, a0, 1).j(RAM_BASE);
    m.writePhys(RAM_BASE, a.bytes());
    m.reset(RAM_BASE);
    for (const b of [0, -1, 1.5, NaN, Infinity, 2 ** 31]) throwsMachineError(() => m.run(b), /budget/);
    expect(m.counters().instret).toBe(0n);
    expect(m.run(3).reason).toBe('budget');
    expect(m.getReg(a0)).toBe(2n);
  });

  it('bad register numbers, privilege levels and CSRs', async () => {
    m = await newMachine();
    for (const r of [-1, 32, 1.5]) {
      throwsMachineError(() => m.getReg(r), /register/);
      throwsMachineError(() => m.setReg(r, 1n), /register/);
    }
    throwsMachineError(() => { m.priv = 2; }, /privilege/);
    throwsMachineError(() => m.readCsr(0x7c0), /CSR/);
    throwsMachineError(() => m.writeCsr(0x7c0, 0n), /CSR/);
  });

  it('Machine.create rejects a RAM size that is not a positive multiple of 4096', async () => {
    for (const ramBytes of [0, -4096, 4095, 4096 + 1, 1.5 * 4096]) {
      await expect(Machine.create({ ramBytes })).rejects.toBeInstanceOf(MachineError);
    }
  });
});
