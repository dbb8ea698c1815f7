// Interrupts: the CLINT timer (exact timing: mtime = retired cycles / cyclesPerTick), msip, the
// global enables (M interrupts are taken below M whatever MIE says, never in M with MIE = 0), the
// priority order of simultaneous interrupts, WFI waking, and delegated supervisor interrupts.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, a4, a5, t0, zero, Program } from '../helpers/asm.js';
import { runProgram, CODE, HALT } from '../helpers/harness.js';

const MSTATUS = 0x300, MIDELEG = 0x303, MIE = 0x304, MEPC = 0x341, MCAUSE = 0x342, MIP = 0x344;
const SSTATUS = 0x100, SIE_CSR = 0x104, SEPC = 0x141, SCAUSE = 0x142;
const XL = (2n << 32n) | (2n << 34n);
const MSIP_ADDR = 0x200_0000n, MTIMECMP = 0x200_4000n, MTIME = 0x200_bff8n;
const INT = 1n << 63n;

describe('CLINT timer', () => {
  for (const cpt of [10, 7, 2, 1]) {
    it(`fires exactly when mtime reaches mtimecmp (cyclesPerTick ${cpt}); mcause = interrupt 7, mepc = the next instruction`, async () => {
      const CMP = 60n;
      const p = new Program(CODE);
      p.li(a5, MTIME).li(a0, MTIMECMP).li(a1, CMP).i(A.sd(a1, 0, a0)).li(a2, 0x80).i(A.csrw(MIE, a2), A.csrsi(MSTATUS, 8));
      p.label('loop').i(A.addi(a3, a3, 1));
      p.b((o) => A.jal(zero, o), 'loop');
      // handler: read mtime first thing, then stop
      const { m, exit } = await runProgram(p, { mHandler: [A.ld(a4, 0, a5), A.wfi()], config: { cyclesPerTick: cpt, exitOnWfi: true } });
      expect(exit.reason).toBe('wfi');
      expect(m.readCsr(MCAUSE)).toBe(INT | 7n);
      // The handler's first instruction reads mtime = CMP: not a tick late, not early. (With one
      // instruction per tick the load would see CMP + 1: vmlab's mtime counts the instruction that
      // reads it, where the cycle CSR does not; the cycle count below is the exact check.)
      if (cpt > 1) expect(m.getReg(a4)).toBe(CMP);
      // cycles at entry = CMP * cpt exactly; then the handler's ld and wfi retired
      expect(m.counters().cycles).toBe(CMP * BigInt(cpt) + 2n);
      const loopStart = p.addr('loop');
      expect([loopStart, loopStart + 4n]).toContain(m.readCsr(MEPC));
      expect(m.readCsr(MIP) & 0x80n).toBe(0x80n);
      expect((m.readCsr(MSTATUS) >> 7n) & 1n).toBe(1n); // MPIE = the MIE that was set
    });
  }

  it('not taken in M with MIE = 0 (MTIP reads 1 in mip); rearming mtimecmp clears MTIP', async () => {
    const p = new Program(CODE);
    p.li(a0, MTIMECMP).i(A.sd(zero, 0, a0)).li(a2, 0x80).i(A.csrw(MIE, a2));
    p.i(A.addi(a1, zero, 1), A.addi(a1, a1, 1), A.csrr(a3, MIP));
    p.li(a4, -1).i(A.sd(a4, 0, a0), A.csrr(a5, MIP), ...HALT);
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.getReg(a1)).toBe(2n);
    expect(m.getReg(a3) & 0x80n).toBe(0x80n);
    expect(m.getReg(a5) & 0x80n).toBe(0n);
    expect(m.readCsr(MCAUSE)).toBe(0n);
  });

  for (const priv of [0, 1] as const) {
    it(`taken in ${priv ? 'S' : 'U'} although mstatus.MIE = 0 (M interrupts are always enabled below M); MPP = ${priv}`, async () => {
      const p = new Program(CODE).li(a0, MTIMECMP).i(A.sd(zero, 0, a0));
      const after = p.here;
      p.i(A.addi(a1, zero, 1), ...HALT);
      const { m, trapped } = await runProgram(p, { priv, csrs: [[MIE, 0x80n], [MSTATUS, XL]] });
      expect(trapped).toBe('M');
      expect(m.readCsr(MCAUSE)).toBe(INT | 7n);
      expect(m.readCsr(MEPC)).toBe(after); // the store completed, the next instruction did not run
      expect(m.getReg(a1)).toBe(0n);
      expect((m.readCsr(MSTATUS) >> 11n) & 3n).toBe(BigInt(priv));
    });
  }

  it('disabled in mie: never taken, in any mode', async () => {
    const p = new Program(CODE).li(a0, MTIMECMP).i(A.sd(zero, 0, a0), A.addi(a1, zero, 1), ...HALT);
    for (const priv of [0, 1, 3] as const) {
      const { halted } = await runProgram(p, { priv, csrs: [[MIE, 0x888n & ~0x80n], [MSTATUS, XL | 8n]] });
      expect(halted).toBe(true);
    }
  });
});

describe('machine software interrupt (msip)', () => {
  it('msip = 1 raises MSIP: taken at once with MIE; msip = 0 lowers it', async () => {
    const p = new Program(CODE).li(a0, MSIP_ADDR).li(a1, 1).i(A.sw(a1, 0, a0), A.csrr(a2, MIP), A.sw(zero, 0, a0), A.csrr(a3, MIP));
    p.i(A.lw(a4, 0, a0), A.sw(a1, 0, a0), A.lw(a5, 0, a0), A.csrsi(MSTATUS, 8));
    const at = p.here;
    p.i(A.addi(t0, zero, 1), ...HALT);
    const { m, trapped } = await runProgram(p, { csrs: [[MIE, 0x8n]] });
    expect([m.getReg(a2) & 8n, m.getReg(a3) & 8n, m.getReg(a4), m.getReg(a5)]).toEqual([8n, 0n, 0n, 1n]);
    expect(trapped).toBe('M');
    expect([m.readCsr(MCAUSE), m.readCsr(MEPC)]).toEqual([INT | 3n, at]);
  });
});

describe('priority of simultaneous interrupts: MEI > MSI > MTI > SEI > SSI > STI', () => {
  type Src = 'MEI' | 'MSI' | 'MTI' | 'SEI' | 'SSI' | 'STI';
  const ORDER: [Src, bigint][] = [['MEI', 11n], ['MSI', 3n], ['MTI', 7n], ['SEI', 9n], ['SSI', 1n], ['STI', 5n]];

  function program(srcs: Set<Src>): Program {
    const p = new Program(CODE);
    if (srcs.has('MEI')) {
      // PLIC: source 10 (UART) priority 1, enabled for context 0 (M); the UART raises "THR empty"
      p.li(a0, 0x0c00_0028).li(a1, 1).i(A.sw(a1, 0, a0));
      p.li(a0, 0x0c00_2000).li(a1, 1 << 10).i(A.sw(a1, 0, a0));
      p.li(a0, 0x1000_0001).li(a1, 2).i(A.sb(a1, 0, a0));
    }
    if (srcs.has('MSI')) p.li(a0, MSIP_ADDR).li(a1, 1).i(A.sw(a1, 0, a0));
    if (srcs.has('MTI')) p.li(a0, MTIMECMP).i(A.sd(zero, 0, a0));
    const sw = (srcs.has('SEI') ? 0x200 : 0) | (srcs.has('SSI') ? 0x2 : 0) | (srcs.has('STI') ? 0x20 : 0);
    if (sw) p.li(a1, sw).i(A.csrs(MIP, a1));
    p.li(a1, 0xaaa).i(A.csrw(MIE, a1), A.csrr(a2, MIP), A.csrsi(MSTATUS, 8), ...HALT);
    return p;
  }

  for (let k = 0; k < ORDER.length; k++) {
    const srcs = new Set(ORDER.slice(k).map(([s]) => s));
    it(`pending ${[...srcs].join(', ')}: ${ORDER[k][0]} is taken`, async () => {
      const { m, trapped } = await runProgram(program(srcs));
      expect(trapped).toBe('M');
      const pend = m.getReg(a2);
      for (const [s, bit] of ORDER) expect((pend >> bit) & 1n, `mip.${s}`).toBe(srcs.has(s) ? 1n : 0n);
      expect(m.readCsr(MCAUSE)).toBe(INT | ORDER[k][1]);
    });
  }
});

describe('WFI', () => {
  const FINISH = HALT; // handler: stop with a clean halt, the test reads the CSRs

  it('with MIE = 0 wakes when the timer becomes pending and continues after the WFI (no trap)', async () => {
    const p = new Program(CODE).li(a5, MTIME).li(a0, MTIMECMP).li(a1, 1000).i(A.sd(a1, 0, a0)).li(a2, 0x80).i(A.csrw(MIE, a2));
    p.i(A.wfi(), A.ld(a3, 0, a5), ...HALT);
    const { m, halted } = await runProgram(p, { mHandler: FINISH, config: { exitOnWfi: false } });
    expect(halted).toBe(true);
    expect(m.readCsr(MCAUSE)).toBe(0n);
    expect(m.getReg(a3)).toBe(1000n); // time skipped exactly to mtimecmp
  });

  it('with MIE = 1 the interrupt is taken after the WFI: mepc = WFI + 4', async () => {
    const p = new Program(CODE).li(a0, MTIMECMP).li(a1, 500).i(A.sd(a1, 0, a0)).li(a2, 0x80).i(A.csrw(MIE, a2), A.csrsi(MSTATUS, 8));
    const w = p.here;
    p.i(A.wfi(), A.addi(a4, zero, 1), ...HALT);
    const { m, halted } = await runProgram(p, { mHandler: FINISH, config: { exitOnWfi: false } });
    expect(halted).toBe(true);
    expect([m.readCsr(MCAUSE), m.readCsr(MEPC)]).toEqual([INT | 7n, w + 4n]);
    expect(m.getReg(a4)).toBe(0n);
    expect(m.counters().cycles).toBeGreaterThanOrEqual(5000n);
  });

  it('returns at once when an enabled interrupt is already pending (no time skipped)', async () => {
    const p = new Program(CODE).li(a0, MSIP_ADDR).li(a1, 1).i(A.sw(a1, 0, a0)).li(a0, MTIMECMP).li(a1, 100_000).i(A.sd(a1, 0, a0));
    p.li(a2, 0x88).i(A.csrw(MIE, a2), A.wfi(), A.addi(a4, zero, 1), ...HALT);
    const { m, halted } = await runProgram(p, { mHandler: FINISH, config: { exitOnWfi: false } });
    expect(halted).toBe(true);
    expect(m.getReg(a4)).toBe(1n);
    expect(m.counters().cycles).toBeLessThan(100n);
  });

  it('in S, an interrupt that is pending and enabled in sie wakes WFI even with SIE = 0 (not taken)', async () => {
    const p = new Program(CODE).i(A.wfi(), A.addi(a4, zero, 1), ...HALT);
    const { m, halted } = await runProgram(p, {
      priv: 1, config: { exitOnWfi: false }, sHandler: FINISH,
      csrs: [[MIDELEG, 0x2n], [MIE, 0x2n], [MIP, 0x2n], [MSTATUS, XL]],
    });
    expect(halted).toBe(true);
    expect(m.getReg(a4)).toBe(1n);
    expect(m.readCsr(SCAUSE)).toBe(0n);
  });
});

describe('delegated supervisor interrupts', () => {
  const STI: [number, bigint][] = [[MIDELEG, 0x20n], [MIE, 0x20n], [MIP, 0x20n]];

  it('STIP delegated, in S with SIE = 1: taken to S with scause = interrupt 5, sepc, SPP = S, SPIE = 1', async () => {
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), ...HALT], { priv: 1, csrs: [...STI, [MSTATUS, XL | 2n]] });
    expect(trapped).toBe('S');
    expect([m.readCsr(SCAUSE), m.readCsr(SEPC)]).toEqual([INT | 5n, CODE]);
    expect(m.readCsr(SSTATUS) & 0x122n).toBe(0x120n); // SPP = 1, SPIE = 1, SIE = 0
    expect(m.readCsr(MCAUSE)).toBe(0n);
    expect(m.getReg(a0)).toBe(0n);
  });

  it('STIP delegated, in S with SIE = 0: not taken', async () => {
    const { halted } = await runProgram([A.addi(a0, zero, 1), ...HALT], { priv: 1, csrs: [...STI, [MSTATUS, XL]] });
    expect(halted).toBe(true);
  });

  it('STIP delegated, in U: taken to S whatever SIE says (SPP = U)', async () => {
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), ...HALT], { priv: 0, csrs: [...STI, [MSTATUS, XL]] });
    expect(trapped).toBe('S');
    expect(m.readCsr(SCAUSE)).toBe(INT | 5n);
    expect(m.readCsr(SSTATUS) & 0x100n).toBe(0n);
  });

  it('STIP delegated, in M with MIE = 1 and SIE = 1: never taken in M', async () => {
    const { halted } = await runProgram([A.addi(a0, zero, 1), ...HALT], { priv: 3, csrs: [...STI, [MSTATUS, XL | 0xan]] });
    expect(halted).toBe(true);
  });

  it('STIP not delegated, in S with MIE = 0: taken to M', async () => {
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), ...HALT], { priv: 1, csrs: [[MIE, 0x20n], [MIP, 0x20n], [MSTATUS, XL]] });
    expect(trapped).toBe('M');
    expect(m.readCsr(MCAUSE)).toBe(INT | 5n);
  });

  it('S software interrupt raised by S itself through sip.SSIP, enabled through sie', async () => {
    const p = new Program(CODE).i(A.csrsi(SIE_CSR, 2), A.csrsi(SSTATUS, 2), A.csrsi(0x144, 2));
    const after = p.here;
    p.i(A.addi(a0, zero, 1), ...HALT);
    const { m, trapped } = await runProgram(p, { priv: 1, csrs: [[MIDELEG, 0x2n]] });
    expect(trapped).toBe('S');
    expect([m.readCsr(SCAUSE), m.readCsr(SEPC)]).toEqual([INT | 1n, after]);
  });
});
