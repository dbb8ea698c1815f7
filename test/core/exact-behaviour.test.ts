// Behaviours the guest programs accept in two forms (because QEMU 7.2 picks the other one the
// specification allows, or counts time differently), checked here exactly for vmlab.
import { describe, it, expect } from 'vitest';
import { machineWith, RAM_BASE } from '../helpers/machine.js';
import { addi, amo, csrrw, csrrs, ld, lui, I, EBREAK, ECALL } from '../helpers/encode.js';

const trapOn = (...causes: number[]) => ({ exitOnException: causes.reduce((m, c) => m | (1n << BigInt(c)), 0n) });

describe('exact choices of vmlab', () => {
  it('misaligned atomics: AMO and SC raise store/AMO misaligned (6), LR load misaligned (4), tval = address', async () => {
    // a1 = RAM_BASE + 0x802 (misaligned)
    const setup = [lui(11, 0x80001), addi(11, 11, -0x7fe), I(1, 0x13)(11, 11, 32), I(5, 0x13)(11, 11, 32)]; // zero-extended
    for (const [insn, cause] of [[amo(0, 2, 10, 11, 12), 6], [amo(3, 3, 10, 11, 12), 6], [amo(2, 3, 10, 11, 0), 4]] as const) {
      const m = await machineWith([...setup, insn]);
      m.configure(trapOn(4, 6));
      const e = m.run(100);
      expect(e.reason).toBe('trap');
      expect(e.cause).toBe(cause);
      expect(e.tval).toBe(RAM_BASE + 0x802n);
      expect(e.pc).toBe(RAM_BASE + 16n);
      expect(e.insn).toBe(insn);
    }
  });

  it('ebreak reports its own pc in tval; ecall from M is cause 11 with tval 0', async () => {
    const m = await machineWith([addi(0, 0, 0), EBREAK, ECALL]);
    m.configure(trapOn(3, 11));
    const e = m.run(100);
    expect([e.cause, e.tval, e.pc]).toEqual([3, RAM_BASE + 4n, RAM_BASE + 4n]);
    m.pc = RAM_BASE + 8n;
    const e2 = m.run(100);
    expect([e2.cause, e2.tval]).toEqual([11, 0n]);
  });

  it('WARL fields: medeleg[11] is read-only zero, mepc[0] reads zero, mtvec ignores modes >= 2', async () => {
    const m = await machineWith([]);
    m.writeCsr(0x302, 0xffffn);
    expect(m.readCsr(0x302)).toBe(0xb7ffn); // with H: bit 10 (ecall from VS) is delegable, 11 is not
    m.writeCsr(0x341, 0x1001n);
    expect(m.readCsr(0x341)).toBe(0x1000n);
    m.writeCsr(0x305, 0x8000_0000n);
    m.writeCsr(0x305, 0x8000_0102n);
    expect(m.readCsr(0x305)).toBe(0x8000_0000n);
    m.writeCsr(0x303, 0xffffn);
    expect(m.readCsr(0x303)).toBe(0x1666n);
    expect(m.readCsr(0x301)).toBe(0x8000_0000_0014_1185n);
  });

  it('minstret counts retired instructions exactly, and a write is what the next instruction reads', async () => {
    // csrr a0, minstret; addi; addi; csrr a1, minstret; csrw minstret, x0(=0 via csrrw); csrr a2, minstret
    const m = await machineWith([csrrs(10, 0xb02, 0), addi(5, 5, 1), addi(5, 5, 1), csrrs(11, 0xb02, 0), csrrw(0, 0xb02, 0), csrrs(12, 0xb02, 0)]);
    m.run(6);
    expect(m.getReg(11) - m.getReg(10)).toBe(3n);
    expect(m.getReg(12)).toBe(0n);
    expect(m.counters().instret).toBe(6n);
  });

  it('mtime advances one tick per cyclesPerTick instructions', async () => {
    // a1 = 0x0200_bff8 (mtime); loop reading it
    const m = await machineWith([lui(11, 0x200c), addi(11, 11, -8), ld(10, 11, 0), ld(12, 11, 0)]);
    m.configure({ cyclesPerTick: 1 });
    m.run(4);
    expect(m.getReg(12) - m.getReg(10)).toBe(1n);
  });
});

describe('WFI', () => {
  it('skips time to the armed timer, completes as a NOP when nothing is armed, exits when asked', async () => {
    const WFI = 0x10500073;
    // mtimecmp = 1000 ticks; MTIE on, MIE off: wfi wakes when MTIP rises, without trapping
    const m = await machineWith([lui(11, 0x2004), addi(12, 0, 1000), 0x00c5b023 /* sd a2, 0(a1) */, WFI, WFI]);
    m.writeCsr(0x304, 1n << 7n);
    m.configure({ cyclesPerTick: 10 });
    m.run(4);
    expect(m.pc).toBe(RAM_BASE + 16n);
    expect(m.counters().cycles).toBeGreaterThanOrEqual(10_000n); // time jumped to mtimecmp
    m.writeCsr(0x304, 0n);
    const before = m.counters().cycles as bigint;
    m.run(1); // nothing armed: a NOP
    expect(m.pc).toBe(RAM_BASE + 20n);
    expect((m.counters().cycles as bigint) - before).toBe(1n);
    m.pc = RAM_BASE + 16n;
    m.configure({ exitOnWfi: true });
    const e = m.run(10);
    expect([e.reason, e.pc]).toEqual(['wfi', RAM_BASE + 20n]);
  });
});

describe('page walks: Svade by default, hardware A/D on request', () => {
  // M-mode code with MPRV=1, MPP=S loads through a hand-built Sv39 table whose leaf has A = 0.
  async function setup(hardwareAD: boolean) {
    const root = RAM_BASE + 0x10000n, l1 = RAM_BASE + 0x11000n, l0 = RAM_BASE + 0x12000n, page = RAM_BASE + 0x20000n;
    const m = await machineWith([ld(10, 11, 0)]);
    m.configure({ hardwareAD, ...trapOn(13) });
    m.write64(root + 8n, ((l1 >> 12n) << 10n) | 1n); // VA 0x4000_0000 -> l1
    m.write64(l1, ((l0 >> 12n) << 10n) | 1n);
    m.write64(l0, ((page >> 12n) << 10n) | 0x07n); // V R W, A = 0
    m.write64(page, 0x1234n);
    m.writeCsr(0x180, (8n << 60n) | (root >> 12n));
    m.writeCsr(0x300, m.readCsr(0x300) | (1n << 17n) | (1n << 11n)); // MPRV, MPP = S
    m.setReg(11, 0x4000_0000n);
    return { m, l0 };
  }
  it('a load through a PTE with A = 0 is a load page fault (Svade), the PTE is unchanged', async () => {
    const { m, l0 } = await setup(false);
    const e = m.run(10);
    expect([e.reason, e.cause, e.tval]).toEqual(['trap', 13, 0x4000_0000n]);
    expect(m.read64(l0) & 0x40n).toBe(0n);
    const c = m.counters();
    expect([c.walks, c.walkRefs, c.pageFaults]).toEqual([1n, 3n, 1n]);
  });
  it('with hardware A/D the walker sets A and the load completes', async () => {
    const { m, l0 } = await setup(true);
    m.run(1);
    expect(m.getReg(10)).toBe(0x1234n);
    expect(m.read64(l0) & 0x40n).toBe(0x40n);
    expect(m.counters().walkAdWrites).toBe(1n);
  });
});

