// The non-virtualizable "critical" profile (configure({ profile: 'critical' }), docs/BT.md), per
// instruction: from U (and VU) the sstatus accesses and the stvec/satp reads do not trap but
// behave as IA-32's critical instructions do (a read reveals the real register, a write of sstatus
// is silently dropped); everything else traps as in the standard profile, and S-mode is unchanged.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, zero } from '../helpers/asm.js';
import { runProgram, HALT, CODE } from '../helpers/harness.js';
import type { HartProfile } from '../../bindings/machine.js';

const SSTATUS = 0x100, STVEC = 0x105, SSCRATCH = 0x140, SEPC = 0x141, SATP = 0x180, MSTATUS = 0x300;
const VSSTATUS = 0x200, VSTVEC = 0x205, VSATP = 0x280, HGATP = 0x680;
const SIE = 1n << 1n, SPIE = 1n << 5n, SPP = 1n << 8n, SUM = 1n << 18n, MXR = 1n << 19n, UXL = 2n << 32n;
const ILLEGAL = 2, VIRTUAL = 22;
const ALL_ONES = (1n << 64n) - 1n;

interface Outcome { trap?: number; a0: bigint; mstatus: bigint; vsstatus: bigint }

/** Runs one instruction in U (or VU) with a1 = all ones and the given CSRs; returns the trap cause (if it trapped), a0 and the status registers after. */
async function inUser(insn: number, profile: HartProfile, o: { virt?: boolean; csrs?: [number, bigint][] } = {}): Promise<Outcome> {
  const { m, exit, halted } = await runProgram([insn, ...HALT], {
    exitOn: [ILLEGAL, VIRTUAL], priv: 0, regs: { [a0]: 0x5a5an, [a1]: ALL_ONES }, config: { profile }, csrs: o.csrs,
    setup: (mm) => { if (o.virt) { mm.writeCsr(HGATP, 0n); mm.virt = true; } },
  });
  const after = { a0: m.getReg(a0), mstatus: m.readCsr(MSTATUS), vsstatus: m.readCsr(VSSTATUS) };
  if (exit.reason === 'trap') {
    expect(exit.pc).toBe(CODE);
    expect(exit.tval).toBe(BigInt(insn));
    return { trap: exit.cause, ...after };
  }
  expect(halted, `exit ${exit.reason}`).toBe(true);
  return after;
}

const STATUS = SIE | SPIE | SPP | SUM;
const WRITES = [
  ['csrw sstatus, a1', A.csrw(SSTATUS, a1)], ['csrrw a0, sstatus, a1', A.csrrw(a0, SSTATUS, a1)],
  ['csrrs a0, sstatus, a1', A.csrrs(a0, SSTATUS, a1)], ['csrrc a0, sstatus, a1', A.csrrc(a0, SSTATUS, a1)],
  ['csrrwi a0, sstatus, 2', A.csrrwi(a0, SSTATUS, 2)], ['csrrsi a0, sstatus, 2', A.csrrsi(a0, SSTATUS, 2)],
  ['csrrci a0, sstatus, 2', A.csrrci(a0, SSTATUS, 2)],
] as const;

describe('the standard profile: every supervisor CSR access from U traps', () => {
  for (const [what, insn] of [['csrr sstatus', A.csrr(a0, SSTATUS)], ['csrr stvec', A.csrr(a0, STVEC)], ['csrr satp', A.csrr(a0, SATP)], ...WRITES] as const) {
    it(what, async () => {
      expect((await inUser(insn, 'standard')).trap).toBe(ILLEGAL);
      expect((await inUser(insn, 'standard', { virt: true })).trap).toBe(VIRTUAL);
    });
  }
});

describe('the critical profile from U', () => {
  it('csrr sstatus returns the real sstatus (SMSW, PUSHF)', async () => {
    const r = await inUser(A.csrr(a0, SSTATUS), 'critical', { csrs: [[MSTATUS, STATUS]] });
    expect(r.trap).toBeUndefined();
    expect(r.a0).toBe(STATUS | UXL);
    // the other read forms: csrrc/csrrsi/csrrci with a zero source
    for (const insn of [A.csrrc(a0, SSTATUS, zero), A.csrrsi(a0, SSTATUS, 0), A.csrrci(a0, SSTATUS, 0)]) {
      expect((await inUser(insn, 'critical', { csrs: [[MSTATUS, MXR]] })).a0).toBe(MXR | UXL);
    }
  });

  for (const [what, insn] of WRITES) {
    it(`${what}: no trap, the write is dropped (POPF), the old value is read`, async () => {
      for (const start of [0n, STATUS | MXR]) {
        const r = await inUser(insn, 'critical', { csrs: [[MSTATUS, start]] });
        expect(r.trap).toBeUndefined();
        expect(r.mstatus & (SIE | SPIE | SPP | SUM | MXR)).toBe(start);
        expect(r.a0).toBe(insn === A.csrw(SSTATUS, a1) ? 0x5a5an : start | UXL);
      }
    });
  }

  it('csrr stvec and csrr satp return the real registers (SIDT, SGDT/SLDT)', async () => {
    const stvec = await inUser(A.csrr(a0, STVEC), 'critical', { csrs: [[STVEC, 0x8000_4000n]] });
    expect([stvec.trap, stvec.a0]).toEqual([undefined, 0x8000_4000n]);
    // satp's mode is Bare (U runs untranslated) with a PPN and ASID that show through
    const satp = await inUser(A.csrr(a0, SATP), 'critical', { csrs: [[SATP, 0x0123_0000_0004_5678n]] });
    expect([satp.trap, satp.a0]).toEqual([undefined, 0x0123_0000_0004_5678n]);
  });

  it('writes of stvec and satp still trap (LIDT, LGDT), and so do the other supervisor CSRs', async () => {
    for (const insn of [A.csrw(STVEC, a1), A.csrrs(a0, STVEC, a1), A.csrw(SATP, a1), A.csrrwi(a0, SATP, 0), A.csrr(a0, SSCRATCH), A.csrr(a0, SEPC), A.csrw(SSCRATCH, a1)]) {
      expect((await inUser(insn, 'critical')).trap).toBe(ILLEGAL);
    }
  });

  it('from VU the same accesses reach the VS CSRs the guest kernel sees as its own', async () => {
    const vs: [number, bigint][] = [[VSSTATUS, SPP | SUM], [VSTVEC, 0x8020_0100n], [VSATP, 0x77n], [MSTATUS, SIE]];
    expect((await inUser(A.csrr(a0, SSTATUS), 'critical', { virt: true, csrs: vs })).a0).toBe(SPP | SUM | UXL);
    expect((await inUser(A.csrr(a0, STVEC), 'critical', { virt: true, csrs: vs })).a0).toBe(0x8020_0100n);
    expect((await inUser(A.csrr(a0, SATP), 'critical', { virt: true, csrs: vs })).a0).toBe(0x77n);
    const w = await inUser(A.csrrs(a0, SSTATUS, a1), 'critical', { virt: true, csrs: vs });
    expect([w.trap, w.a0, w.vsstatus & ~UXL, w.mstatus & SIE]).toEqual([undefined, SPP | SUM | UXL, SPP | SUM, SIE]);
    expect((await inUser(A.csrw(STVEC, a1), 'critical', { virt: true })).trap).toBe(VIRTUAL);
  });
});

describe('the critical profile leaves S-mode as specified', () => {
  it('csrs sstatus and csrr satp from S behave as in the standard profile', async () => {
    const { m, halted } = await runProgram([A.csrs(SSTATUS, a1), A.csrr(a0, SATP), ...HALT], { priv: 1, regs: { [a1]: SIE | SUM }, csrs: [[SATP, 0x42n]], config: { profile: 'critical' } });
    expect(halted).toBe(true);
    expect(m.readCsr(MSTATUS) & (SIE | SUM)).toBe(SIE | SUM);
    expect(m.getReg(a0)).toBe(0x42n);
  });

  it('configure refuses an unknown profile and keeps the old one', async () => {
    const { m } = await runProgram([...HALT], { config: { profile: 'critical' } });
    expect(() => m.configure({ profile: 'x86' as HartProfile, exitOnWfi: true })).toThrow(/profile "x86" is not one of standard, critical/);
    expect(m.profile).toBe('critical');
  });
});
