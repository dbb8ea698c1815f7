// The platform seen from the guest: the NS16550A UART register file, the console rings, the SiFive
// test finisher, access faults for unmapped physical addresses, and MMIO exits to the host.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, a4, a5, s0, t0, t1, ra, zero, Program } from '../helpers/asm.js';
import { runOps, runProgram, newMachine, CODE, DATA, HALT, RAM_BASE } from '../helpers/harness.js';

const UART = 0x1000_0000n;
const RBR = 0, THR = 0, IER = 1, DLL = 0, DLM = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const FINISHER = 0x10_0000n;
const MCAUSE = 0x342, MEPC = 0x341, MTVAL = 0x343;

/** Runs UART register accesses (base in s0) and returns the `out` registers. */
async function uart(code: number[], out: number[], m?: Awaited<ReturnType<typeof newMachine>>): Promise<bigint[]> {
  const r = await runOps([{ in: [[s0, UART]], code, out }], { machine: m });
  return r[0];
}

describe('UART registers', () => {
  it('after reset: LSR = 0x60 (THR empty, transmitter empty, no data), IIR = 0x01, LCR = 0x03, MCR = 0, MSR = 0xb0', async () => {
    const r = await uart([A.lbu(a0, LSR, s0), A.lbu(a1, IIR, s0), A.lbu(a2, LCR, s0), A.lbu(a3, MCR, s0), A.lbu(a4, MSR, s0), A.lbu(a5, IER, s0)], [a0, a1, a2, a3, a4, a5]);
    expect(r).toEqual([0x60n, 0x01n, 0x03n, 0n, 0xb0n, 0n]);
  });

  it('DLAB switches offsets 0 and 1 to the divisor latches (nothing is transmitted, IER untouched)', async () => {
    const m = await newMachine();
    const r = await uart([
      A.addi(t0, zero, 0x83), A.sb(t0, LCR, s0), // DLAB = 1
      A.addi(t0, zero, 0x12), A.sb(t0, DLL, s0), A.addi(t0, zero, 0x34), A.sb(t0, DLM, s0),
      A.lbu(a0, DLL, s0), A.lbu(a1, DLM, s0),
      A.addi(t0, zero, 0x03), A.sb(t0, LCR, s0), // DLAB = 0
      A.lbu(a2, IER, s0), A.lbu(a3, LSR, s0),
      A.addi(t0, zero, 0x83), A.sb(t0, LCR, s0), A.lbu(a4, DLL, s0), A.addi(t0, zero, 0x03), A.sb(t0, LCR, s0), A.lbu(a5, LCR, s0),
    ], [a0, a1, a2, a3, a4, a5], m);
    expect(r).toEqual([0x12n, 0x34n, 0n, 0x60n, 0x12n, 0x03n]);
    expect(Array.from(m.drainConsole())).toEqual([]);
  });

  it('SCR is a scratch register', async () => {
    const r = await uart([A.addi(t0, zero, 0x5a), A.sb(t0, SCR, s0), A.lbu(a0, SCR, s0), A.addi(t0, zero, 0xa5), A.sb(t0, SCR, s0), A.lbu(a1, SCR, s0)], [a0, a1]);
    expect(r).toEqual([0x5an, 0xa5n]);
  });

  it('loopback (MCR = 0x1a): MSR = 0x90, a transmitted byte is received and not output; MCR = 0x1f: MSR = 0xf0', async () => {
    const m = await newMachine();
    const r = await uart([
      A.addi(t0, zero, 0x1a), A.sb(t0, MCR, s0), A.lbu(a0, MSR, s0), A.lbu(a1, MCR, s0),
      A.addi(t0, zero, 0x5a), A.sb(t0, THR, s0), // 'Z'
      A.lbu(a2, LSR, s0), A.lbu(a3, RBR, s0), A.lbu(a4, LSR, s0),
      A.addi(t0, zero, 0x1f), A.sb(t0, MCR, s0), A.lbu(a5, MSR, s0), A.sb(zero, MCR, s0),
    ], [a0, a1, a2, a3, a4, a5], m);
    // MSR in loopback: CTS <- RTS (0x10), DSR <- DTR (0x20), RI <- OUT1 (0x40), DCD <- OUT2 (0x80)
    expect(r).toEqual([0x90n, 0x1an, 0x61n, 0x5an, 0x60n, 0xf0n]);
    expect(Array.from(m.drainConsole())).toEqual([]);
  });

  it('guest output appears in drainConsole()', async () => {
    const text = 'Hello, vmlab!\n';
    const p = new Program(CODE).li(s0, UART).la(a1, 'msg').li(a2, text.length);
    p.label('next').label('poll').i(A.lbu(t0, LSR, s0), A.andi(t0, t0, 0x20));
    p.b((o) => A.beq(t0, zero, o), 'poll');
    p.i(A.lbu(t1, 0, a1), A.sb(t1, THR, s0), A.addi(a1, a1, 1), A.addi(a2, a2, -1));
    p.b((o) => A.bne(a2, zero, o), 'next');
    p.i(...HALT).label('msg').data(new TextEncoder().encode(text));
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(new TextDecoder().decode(m.drainConsole())).toBe(text);
    expect(m.drainConsole().length).toBe(0); // drained
  });

  it('input from sendConsole() is read from RBR with LSR.DR', async () => {
    const m = await newMachine();
    // read 3 bytes, each after polling LSR bit 0, into DATA; then LSR again
    const p = new Program(CODE).li(s0, UART).li(a1, DATA).li(a2, 3);
    p.label('poll').i(A.lbu(t0, LSR, s0), A.andi(t0, t0, 1));
    p.b((o) => A.beq(t0, zero, o), 'poll');
    p.i(A.lbu(t1, RBR, s0), A.sb(t1, 0, a1), A.addi(a1, a1, 1), A.addi(a2, a2, -1));
    p.b((o) => A.bne(a2, zero, o), 'poll');
    p.i(A.lbu(a3, LSR, s0), ...HALT);
    m.writePhys(CODE, p.bytes());
    m.reset(CODE);
    expect(m.sendConsole(new TextEncoder().encode('ok!'))).toBe(3);
    const e = m.run(10_000);
    expect([e.reason, e.code]).toEqual(['halt', 0]);
    expect(new TextDecoder().decode(m.readPhys(DATA, 3))).toBe('ok!');
    expect(m.getReg(a3)).toBe(0x60n);
  });
});

describe('SiFive test finisher', () => {
  for (const [value, code] of [[0x5555n, 0], [0x3333n, 0], [(5n << 16n) | 0x3333n, 5], [(0xffffn << 16n) | 0x3333n, 0xffff], [(1n << 16n) | 0x3333n, 1]] as const) {
    it(`writing 0x${value.toString(16)} halts with exit code ${code}`, async () => {
      const p = new Program(CODE).li(a0, FINISHER).li(a1, value).i(A.sw(a1, 0, a0));
      const after = p.here;
      p.i(A.addi(a2, zero, 1), A.jal(zero, 0));
      const { exit, m } = await runProgram(p);
      expect([exit.reason, exit.code, exit.pc]).toEqual(['halt', code, after]);
      expect(m.getReg(a2)).toBe(0n);
    });
  }

  it('other values (and other offsets) do not halt', async () => {
    const p = new Program(CODE).li(a0, FINISHER).li(a1, 0x1234).i(A.sw(a1, 0, a0)).li(a1, 0x5555).i(A.sw(a1, 4, a0), A.addi(a2, zero, 1), ...HALT);
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.getReg(a2)).toBe(1n);
  });
});

describe('unmapped physical addresses', () => {
  const cases: [string, (r: number) => number, bigint, number][] = [
    ['ld from 0x0', (r) => A.ld(a0, 0, r), 0n, 5],
    ['lw from 0x2000_0000', (r) => A.lw(a0, 0, r), 0x2000_0000n, 5],
    ['lbu from just below RAM', (r) => A.lbu(a0, 0, r), RAM_BASE - 1n, 5],
    ['ld from the end of RAM', (r) => A.ld(a0, 0, r), RAM_BASE + 0x10_0000n, 5],
    ['sd to 0x2000_0000', (r) => A.sd(a1, 0, r), 0x2000_0000n, 7],
    ['sb to 0x0', (r) => A.sb(a1, 0, r), 0n, 7],
    ['sw to 0x4000_0000', (r) => A.sw(a1, 0, r), 0x4000_0000n, 7],
  ];
  for (const [name, insn, addr, cause] of cases) {
    it(`${name}: access fault ${cause}, tval = the address`, async () => {
      const base = addr === 0n ? [] : A.li(a2, addr); // address 0 is x0 + 0
      const code = [...base, A.addi(a0, zero, 7), insn(addr === 0n ? zero : a2), ...HALT];
      const at = CODE + BigInt(4 * (code.length - HALT.length - 1));
      const e = await runProgram(code, { exitOn: [5, 7] });
      expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc]).toEqual(['trap', cause, addr, at]);
      const g = await runProgram(code);
      expect(g.trapped).toBe('M');
      expect([g.m.readCsr(MCAUSE), g.m.readCsr(MTVAL), g.m.readCsr(MEPC)]).toEqual([BigInt(cause), addr, at]);
      expect(g.m.getReg(a0)).toBe(7n); // a faulting load writes nothing
    });
  }

  it('instruction fetch from unmapped addresses and from a device: fetch access fault 1, tval = mepc = the address', async () => {
    for (const target of [0n, 0x2000_0000n, UART]) {
      const code = [...A.li(t0, target), A.jalr(ra, t0, 0), ...HALT];
      const { m, trapped } = await runProgram(code);
      expect(trapped).toBe('M');
      expect([m.readCsr(MCAUSE), m.readCsr(MTVAL), m.readCsr(MEPC)]).toEqual([1n, target, target]);
    }
  });

  it('a misaligned load/store entirely inside RAM but next to its end works', async () => {
    const end = RAM_BASE + 0x10_0000n;
    const p = new Program(CODE).li(a1, end).li(a2, 0x1122_3344_5566_7788n).i(A.sd(a2, -9, a1), A.ld(a3, -9, a1), ...HALT);
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.getReg(a3)).toBe(0x1122_3344_5566_7788n);
  });

  // Privileged spec (mtval): "If mtval is written with a nonzero value when a misaligned load or
  // store causes an access-fault or page-fault exception, then mtval will contain the virtual
  // address of the portion of the access that caused the fault." The bytes at end-4 .. end-1 are
  // RAM; the faulting portion starts at `end`. (Regression: vmlab used to report end - 4.)
  for (const kind of ['load', 'store'] as const) {
    it(`a misaligned ${kind} straddling the end of RAM reports tval in the faulting portion (>= end)`, async () => {
      const end = RAM_BASE + 0x10_0000n;
      const insn = kind === 'load' ? A.ld(a0, -4, a1) : A.sd(a0, -4, a1);
      const e = await runProgram([...A.li(a1, end), insn, ...HALT], { exitOn: [5, 7] });
      expect(e.exit.cause).toBe(kind === 'load' ? 5 : 7);
      expect(e.exit.tval! >= end && e.exit.tval! < end + 4n, `tval 0x${e.exit.tval!.toString(16)}`).toBe(true);
    });
  }

  it('a misaligned store straddling the end of RAM writes nothing', async () => {
    const end = RAM_BASE + 0x10_0000n;
    const { m } = await runProgram([...A.li(a1, end), ...A.li(a0, -1n), A.sd(a0, -4, a1), ...HALT], { exitOn: [7], setup: (mm) => mm.zeroPhys(end - 4n, 4) });
    expect(Array.from(m.readPhys(end - 4n, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('MMIO exits (configure({ exitOnMmio: true }))', () => {
  const BUS = 0x2000_0000n;
  const loads: [string, (rd: number, off: number, rs1: number) => number, number, bigint, bigint][] = [
    ['ld', A.ld, 8, 0x1122_3344_5566_7788n, 0x1122_3344_5566_7788n],
    ['lw', A.lw, 4, 0x1_8765_4321n, 0xffff_ffff_8765_4321n], // truncated to 32 bits, sign-extended
    ['lwu', A.lwu, 4, 0xffff_ffffn, 0xffff_ffffn],
    ['lh', A.lh, 2, 0x8001n, 0xffff_ffff_ffff_8001n],
    ['lhu', A.lhu, 2, 0x18001n, 0x8001n],
    ['lb', A.lb, 1, 0x80n, 0xffff_ffff_ffff_ff80n],
    ['lbu', A.lbu, 1, 0xff80n, 0x80n],
  ];
  for (const [name, enc, size, value, want] of loads) {
    it(`${name}: an mmio exit with the access; completeMmio(0x${value.toString(16)}) writes 0x${want.toString(16)} and retires it`, async () => {
      const p = new Program(CODE).li(a1, BUS + 0x10n);
      const at = p.here;
      const insn = enc(a0, 8, a1);
      p.i(insn, A.addi(a2, a0, 0), ...HALT);
      const { m, exit } = await runProgram(p, { config: { exitOnMmio: true } });
      expect(exit.reason).toBe('mmio');
      expect([exit.pc, exit.insn]).toEqual([at, insn]);
      expect(exit.mmio).toEqual({ addr: BUS + 0x18n, size, isStore: false, value: exit.mmio!.value });
      const before = m.counters().instret as bigint;
      m.completeMmio(value);
      expect(m.pc).toBe(at + 4n);
      expect(m.counters().instret as bigint).toBe(before + 1n);
      const e = m.run(100);
      expect([e.reason, e.code]).toEqual(['halt', 0]);
      expect(m.getReg(a2)).toBe(want);
    });
  }

  it('stores: the exit carries address, size, isStore and the value (within the access size); completion retires the store', async () => {
    const V = 0x1122_3344_5566_7788n;
    const p = new Program(CODE).li(a1, BUS).li(a2, V).i(A.sd(a2, 0, a1), A.sw(a2, 8, a1), A.sh(a2, 16, a1), A.sb(a2, 24, a1), A.addi(a3, zero, 1), ...HALT);
    const { m, exit } = await runProgram(p, { config: { exitOnMmio: true } });
    const seen: [bigint, number, boolean, bigint][] = [];
    let e = exit;
    while (e.reason === 'mmio') {
      const size = e.mmio!.size;
      seen.push([e.mmio!.addr, size, e.mmio!.isStore, e.mmio!.value & (size === 8 ? (1n << 64n) - 1n : (1n << BigInt(8 * size)) - 1n)]);
      m.completeMmio();
      e = m.run(100);
    }
    expect([e.reason, e.code]).toEqual(['halt', 0]);
    expect(seen).toEqual([[BUS, 8, true, V], [BUS + 8n, 4, true, 0x5566_7788n], [BUS + 16n, 2, true, 0x7788n], [BUS + 24n, 1, true, 0x88n]]);
    expect(m.getReg(a3)).toBe(1n);
  });

  it('a compressed load completes with pc + 2; a load to x0 leaves x0 zero', async () => {
    const p = new Program(CODE).li(a1, BUS).li(s0, BUS);
    const at = p.here;
    p.c(A.c_ld(a0, 8, s0), A.c_nop()).i(A.ld(zero, 0, a1), A.add(a3, zero, zero), ...HALT);
    const { m, exit } = await runProgram(p, { config: { exitOnMmio: true } });
    expect([exit.reason, exit.pc, exit.insn, exit.mmio!.addr, exit.mmio!.size]).toEqual(['mmio', at, A.c_ld(a0, 8, s0), BUS + 8n, 8]);
    m.completeMmio(42n);
    expect(m.pc).toBe(at + 2n);
    const e2 = m.run(100);
    expect(e2.reason).toBe('mmio');
    m.completeMmio(99n);
    const e3 = m.run(100);
    expect(e3.reason).toBe('halt');
    expect([m.getReg(a0), m.getReg(a3)]).toEqual([42n, 0n]);
  });

  it('devices and RAM are not affected by exitOnMmio', async () => {
    const r = await runOps([{ in: [[s0, UART], [a1, DATA]], code: [A.lbu(a0, LSR, s0), A.sd(a0, 0, a1), A.ld(a2, 0, a1)], out: [a0, a2] }], { config: { exitOnMmio: true } });
    expect(r[0]).toEqual([0x60n, 0x60n]);
  });
});

describe('CLINT registers', () => {
  it('mtimecmp is written in 32-bit halves or whole; msip holds only bit 0; mtime can be written and keeps counting', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[s0, 0x200_0000n], [a1, 0x1234_5678n], [a2, 0x9abc_def0n], [a3, -1n]],
      code: [
        ...A.li(t0, 0x4000), A.add(t0, t0, s0), // t0 = mtimecmp
        A.sw(a1, 0, t0), A.sw(a2, 4, t0), A.ld(a0, 0, t0), // halves
        A.sw(a3, 0, s0), A.lw(a4, 0, s0), A.sw(zero, 0, s0), // msip
        ...A.li(t1, 0xbff8), A.add(t1, t1, s0), // t1 = mtime
        ...A.li(a5, 1_000_000), A.sd(a5, 0, t1), A.ld(a5, 0, t1),
        A.sd(a3, 0, t0), // disarm
      ],
      out: [a0, a4, a5],
    }], { machine: m, config: { cyclesPerTick: 1 } });
    expect(r[0][0]).toBe(0x9abc_def0_1234_5678n);
    expect(r[0][1]).toBe(1n);
    // written at one instruction, read at the next: one tick later with one instruction per tick
    expect(r[0][2] - 1_000_000n).toBeGreaterThanOrEqual(0n);
    expect(r[0][2] - 1_000_000n).toBeLessThanOrEqual(1n);
  });
});

describe('UART interrupt identification', () => {
  it('IER keeps bits 3:0; THR-empty interrupt shows in IIR (0x02) and reading IIR acknowledges it; FCR enables the FIFO bits of IIR', async () => {
    const r = await uart([
      A.addi(t0, zero, 0xff), A.sb(t0, IER, s0), A.lbu(a0, IER, s0),
      A.lbu(a1, IIR, s0), A.lbu(a2, IIR, s0), // THR empty, then acknowledged
      A.addi(t0, zero, 0x01), A.sb(t0, IIR, s0), A.lbu(a3, IIR, s0), // FCR: FIFO on
      A.sb(zero, IIR, s0), A.sb(zero, IER, s0), A.lbu(a4, IIR, s0),
    ], [a0, a1, a2, a3, a4]);
    expect(r).toEqual([0x0fn, 0x02n, 0x01n, 0xc1n, 0x01n]);
  });

  it('received data: IIR = 0x04 while data waits with IER.RDI; reading RBR clears LSR.DR and the interrupt', async () => {
    const m = await newMachine();
    const p = new Program(CODE).li(s0, UART).i(A.addi(t0, zero, 1), A.sb(t0, IER, s0), A.lbu(a0, IIR, s0), A.lbu(a1, LSR, s0), A.lbu(a2, RBR, s0), A.lbu(a3, IIR, s0), A.lbu(a4, LSR, s0), A.sb(zero, IER, s0), ...HALT);
    m.writePhys(CODE, p.bytes());
    m.reset(CODE);
    expect(m.sendConsole(new Uint8Array([0x41]))).toBe(1);
    const e = m.run(1000);
    expect(e.reason).toBe('halt');
    expect([m.getReg(a0), m.getReg(a1), m.getReg(a2), m.getReg(a3), m.getReg(a4)]).toEqual([0x04n, 0x61n, 0x41n, 0x01n, 0x60n]);
  });
});
