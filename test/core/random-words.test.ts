// Bad input never crashes the process: 10^7 steps of random 32-bit words executed as instructions
// (fixed seed) only ever produce guest traps and ordinary exits, and the machine still runs a
// known program correctly afterwards.
import { describe, it, expect } from 'vitest';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { Rng } from '../helpers/random-program.js';
import { addi, words, jal } from '../helpers/encode.js';

const ROUNDS = 100, STEPS = 100_000, CODE_BYTES = 0x10000;
const HANDLER = RAM_BASE + 0x40000n;

describe('random instruction words', () => {
  it('10^7 steps produce only traps and ordinary exits', async () => {
    const m = await Machine.create({ ramBytes: 1 << 20 });
    const rng = new Rng(2026);
    // The handler skips the trapping instruction: mepc += 4.
    m.writePhys(HANDLER, words([0x34102373, 0x00430313, 0x34131073, 0x30200073])); // csrr t1,mepc; addi t1,t1,4; csrw mepc,t1; mret
    const reasons = new Map<string, number>();
    let steps = 0n, traps = 0n;
    for (let round = 0; round < ROUNDS; round++) {
      const code = new Uint32Array(CODE_BYTES / 4).map(() => Number(rng.next64() & 0xffff_ffffn));
      m.writePhys(RAM_BASE, new Uint8Array(code.buffer));
      m.reset(RAM_BASE);
      m.writeCsr(0x305, HANDLER);
      const before = m.counters();
      const e = m.run(STEPS);
      reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
      expect(['budget', 'halt', 'wfi', 'console']).toContain(e.reason);
      const after = m.counters();
      steps += (after.instret as bigint) - (before.instret as bigint) + (after.exceptions as bigint) - (before.exceptions as bigint);
      traps += (after.exceptions as bigint) - (before.exceptions as bigint);
      m.drainConsole();
    }
    expect(traps).toBeGreaterThan(1_000_000n);
    expect(steps).toBeGreaterThan(5_000_000n);
    // The same machine runs a known program afterwards: a0 = 1 + 2 + ... + 100.
    m.zeroPhys(RAM_BASE, CODE_BYTES);
    m.writePhys(RAM_BASE, words([addi(10, 0, 0), addi(11, 0, 100), 0x00b50533, addi(11, 11, -1), 0xfe059ce3, jal(0, 0)]));
    m.reset(RAM_BASE);
    m.writeCsr(0x300, 0n);
    m.run(1000);
    expect(m.getReg(10)).toBe(5050n);
  });
});
