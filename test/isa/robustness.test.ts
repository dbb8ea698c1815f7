// Bad input never hurts the host: 10^7 steps of random instruction words (fixed seed) in many short
// programs, in every privilege mode, with random mstatus/satp/delegation settings, produce only
// guest traps and ordinary exits. The process never throws, architectural invariants hold after
// every program, and the same machine then runs known programs correctly.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, t0, zero, Program } from '../helpers/asm.js';
import { runOps, newMachine, Rng, CODE, HALT, RAM_BASE } from '../helpers/harness.js';
import { R_OPS } from './ref.js';

const ROUNDS = 200, STEPS = 50_000, CODE_BYTES = 0x8000;
const HANDLER = RAM_BASE + 0xe0000n;
const MSTATUS = 0x300, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305, STVEC = 0x105, SATP = 0x180, MISA = 0x301;

/** M handler: mepc += 4 (skipping 2 or 4 bytes is equally fine here), mret. Uses only mscratch. */
const M_SKIP = [A.csrrw(t0, 0x340, t0), A.csrr(t0, 0x341), A.addi(t0, t0, 4), A.csrw(0x341, t0), A.csrrw(t0, 0x340, t0), A.mret()];
/** S handler: the same with sepc/sret, at HANDLER + 0x100. */
const S_SKIP = [A.csrrw(t0, 0x140, t0), A.csrr(t0, 0x141), A.addi(t0, t0, 4), A.csrw(0x141, t0), A.csrrw(t0, 0x140, t0), A.sret()];

describe('random instruction words', () => {
  it(`${ROUNDS} programs x ${STEPS} steps: only traps and ordinary exits, invariants hold, then known programs run`, async () => {
    const m = await newMachine();
    const rng = new Rng(0x5eed);
    const reasons = new Map<string, number>();
    let steps = 0n, traps = 0n;
    const words = (n: number) => new Uint32Array(n).map(() => Number(rng.next64() & 0xffff_ffffn));
    for (let round = 0; round < ROUNDS; round++) {
      const kind = round % 4;
      let code: Uint32Array;
      if (kind === 1) {
        // 16-bit parcels only (every quadrant but 3): the compressed decoder
        code = words(CODE_BYTES / 4).map((w) => (w & ~0x0003_0003) | (rng.int(3) << 16) | rng.int(3));
      } else if (kind === 2) {
        // random words with valid major opcodes of RV64IMA + SYSTEM: deeper decoding
        const ops = [0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f, 0x33, 0x37, 0x3b, 0x63, 0x67, 0x6f, 0x73];
        code = words(CODE_BYTES / 4).map((w) => ((w & ~0x7f) | ops[rng.int(ops.length)]) >>> 0);
      } else {
        code = words(CODE_BYTES / 4);
      }
      m.writePhys(CODE, new Uint8Array(code.buffer));
      m.writePhys(HANDLER, A.words(M_SKIP));
      m.writePhys(HANDLER + 0x100n, A.words(S_SKIP));
      m.reset(CODE);
      m.writeCsr(MTVEC, HANDLER);
      m.writeCsr(STVEC, HANDLER + 0x100n);
      m.configure({ exitOnException: 0n, exitOnMmio: rng.int(8) === 0, exitOnWfi: false, cyclesPerTick: 1 + rng.int(20) });
      if (kind === 3) {
        // a random mode and random control state: delegation, interrupts, TVM/TW/TSR, MPRV, paging
        m.writeCsr(MEDELEG, rng.next64());
        m.writeCsr(MIDELEG, rng.next64());
        m.writeCsr(MIE, rng.next64());
        m.writeCsr(MSTATUS, rng.next64() & ~(1n << 3n)); // MIE off so M can make progress
        if (rng.int(2)) m.writeCsr(SATP, (8n << 60n) | ((RAM_BASE >> 12n) + BigInt(rng.int(256))));
        m.priv = rng.pick([0, 1, 3] as const);
      }
      const before = m.counters();
      let e;
      for (let slice = 0; slice < 4; slice++) {
        e = m.run(STEPS / 4);
        if (e.reason === 'mmio') m.completeMmio(rng.next64());
        else if (e.reason === 'console') m.drainConsole();
        else if (e.reason !== 'budget') break;
      }
      reasons.set(e!.reason, (reasons.get(e!.reason) ?? 0) + 1);
      expect(['budget', 'halt', 'wfi', 'console', 'mmio']).toContain(e!.reason);
      const after = m.counters();
      const d = (k: string) => (after[k] as bigint) - (before[k] as bigint);
      // every budget unit is a retired instruction, an exception or an interrupt
      expect(d('instret') + d('exceptions') + d('interrupts')).toBeLessThanOrEqual(BigInt(STEPS));
      steps += d('instret') + d('exceptions') + d('interrupts');
      traps += d('exceptions');
      // invariants
      expect([0, 1, 3]).toContain(m.priv);
      expect((m.readCsr(MSTATUS) >> 32n) & 0xfn).toBe(0xan); // UXL = SXL = 2
      expect(m.readCsr(MISA) >> 62n).toBe(2n);
      expect((m.readCsr(MSTATUS) >> 11n) & 3n).not.toBe(2n);
      expect(m.pc & 1n).toBe(0n); // IALIGN = 16: the pc is never odd
      m.drainConsole();
    }
    expect(steps).toBeGreaterThan(8_000_000n);
    expect(traps).toBeGreaterThan(500_000n);
    // The same machine, reset, runs a known program: a0 = 1 + 2 + ... + 100 ...
    m.zeroPhys(CODE, CODE_BYTES);
    m.configure({ exitOnMmio: false, cyclesPerTick: 10 });
    const p = new Program(CODE).li(a0, 0).li(a1, 100);
    p.label('loop').i(A.add(a0, a0, a1), A.addi(a1, a1, -1));
    p.b((o) => A.bne(a1, zero, o), 'loop').i(...HALT);
    m.writePhys(CODE, p.bytes());
    m.reset(CODE);
    const e = m.run(10_000);
    expect([e.reason, e.code]).toEqual(['halt', 0]);
    expect(m.getReg(a0)).toBe(5050n);
    // ... and computes like a fresh machine
    const pairs: [bigint, bigint][] = Array.from({ length: 200 }, () => [rng.next64(), rng.next64()]);
    const got = await runOps(pairs.map(([x, y]) => ({ in: [[a0, x], [a1, y]], code: [A.mulh(a2, a0, a1), A.divw(t0, a0, a1)], out: [a2, t0] })), { machine: m });
    expect(got).toEqual(pairs.map(([x, y]) => [R_OPS.mulh(x, y), R_OPS.divw(x, y)]));
  });
});
