// Zicsr and the machine/supervisor CSRs: the six instructions, read-only and nonexistent CSRs,
// privilege checks, misa/mstatus identity fields, WARL legalisation, counter-enable gating, and the
// mstatus trap bits TVM/TSR/TW.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, a3, a4, a5, t0, t1, zero, Program } from '../helpers/asm.js';
import { runOps, runProgram, CODE, HALT, newMachine } from '../helpers/harness.js';

const MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305, MCOUNTEREN = 0x306;
const MSCRATCH = 0x340, MEPC = 0x341, MIP = 0x344, SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106;
const SSCRATCH = 0x140, SEPC = 0x141, SIP = 0x144, SATP = 0x180, MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14;
const CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02, MCYCLE = 0xb00, MINSTRET = 0xb02;
const TVM = 1n << 20n, TW = 1n << 21n, TSR = 1n << 22n;

interface Try { csrs?: [number, bigint][]; priv?: 0 | 1 | 3; regs?: Record<number, bigint> }
/**
 * Executes `insn` once (followed by HALT) and reports whether it was an illegal instruction; when
 * it was, checks that tval is the instruction and pc the instruction's address.
 */
async function attempt(insn: number, t: Try = {}): Promise<{ illegal: boolean; regs: (r: number) => bigint; csr: (c: number) => bigint }> {
  const { m, exit, halted } = await runProgram([insn, ...HALT], { exitOn: [2], csrs: t.csrs, priv: t.priv, regs: t.regs });
  if (exit.reason === 'trap') {
    expect(exit.cause).toBe(2);
    expect(exit.tval).toBe(BigInt(insn));
    expect(exit.insn).toBe(insn);
    expect(exit.pc).toBe(CODE);
    return { illegal: true, regs: (r) => m.getReg(r), csr: (c) => m.readCsr(c) };
  }
  // a legal WFI leaves the core (exitOnWfi is on in the harness) just after itself
  if (insn === A.wfi() && exit.reason === 'wfi' && exit.pc === CODE + 4n) return { illegal: false, regs: (r) => m.getReg(r), csr: (c) => m.readCsr(c) };
  expect(halted, `exit ${exit.reason}`).toBe(true);
  return { illegal: false, regs: (r) => m.getReg(r), csr: (c) => m.readCsr(c) };
}

describe('CSR instructions', () => {
  it('csrrw/csrrs/csrrc and the immediate forms read the old value and write the new', async () => {
    const m = await newMachine();
    const r = await runOps([
      { name: 'csrrw', in: [[a1, 0xf0f0n], [a2, 0x1234n]], code: [A.csrw(MSCRATCH, a1), A.csrrw(a0, MSCRATCH, a2), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrs', in: [[a1, 0x1234n], [a2, 0xff00n]], code: [A.csrw(MSCRATCH, a1), A.csrrs(a0, MSCRATCH, a2), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrc', in: [[a1, 0xff34n], [a2, 0x0f00n]], code: [A.csrw(MSCRATCH, a1), A.csrrc(a0, MSCRATCH, a2), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrwi', in: [[a1, -1n]], code: [A.csrw(MSCRATCH, a1), A.csrrwi(a0, MSCRATCH, 31), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrsi', in: [[a1, 0x100n]], code: [A.csrw(MSCRATCH, a1), A.csrrsi(a0, MSCRATCH, 0x11), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrci', in: [[a1, 0x1ffn]], code: [A.csrw(MSCRATCH, a1), A.csrrci(a0, MSCRATCH, 0x1e), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'swap with rd = rs1', in: [[a1, 7n], [a0, 9n]], code: [A.csrw(MSCRATCH, a1), A.csrrw(a0, MSCRATCH, a0), A.csrr(a3, MSCRATCH)], out: [a0, a3] },
      { name: 'csrrs/csrrc with rs1 = x0 and uimm 0 only read', in: [[a1, 0x55n]], code: [A.csrw(MSCRATCH, a1), A.csrrs(a0, MSCRATCH, zero), A.csrrc(a2, MSCRATCH, zero), A.csrrsi(a4, MSCRATCH, 0), A.csrrci(a5, MSCRATCH, 0), A.csrr(a3, MSCRATCH)], out: [a0, a2, a4, a5, a3] },
      { name: 'sscratch, 64 bits wide', in: [[a1, 0x8000_0000_0000_0001n]], code: [A.csrw(SSCRATCH, a1), A.csrr(a0, SSCRATCH)], out: [a0] },
    ], { machine: m });
    expect(r).toEqual([
      [0xf0f0n, 0x1234n],
      [0x1234n, 0xff34n],
      [0xff34n, 0xf034n],
      [0xffff_ffff_ffff_ffffn, 31n],
      [0x100n, 0x111n],
      [0x1ffn, 0x1e1n],
      [7n, 9n],
      [0x55n, 0x55n, 0x55n, 0x55n, 0x55n],
      [0x8000_0000_0000_0001n],
    ]);
  });

  it('read-only CSRs: csrr (csrrs rs1 = x0, csrrsi/csrrci uimm 0) works, any write is illegal', async () => {
    for (const csr of [MVENDORID, MARCHID, MIMPID, MHARTID, CYCLE, TIME, INSTRET]) {
      expect((await attempt(A.csrr(a0, csr))).illegal, `csrr 0x${csr.toString(16)}`).toBe(false);
      expect((await attempt(A.csrrc(a0, csr, zero))).illegal).toBe(false);
      expect((await attempt(A.csrrsi(a0, csr, 0))).illegal).toBe(false);
      expect((await attempt(A.csrrw(zero, csr, a1))).illegal, `csrw 0x${csr.toString(16)}`).toBe(true);
      expect((await attempt(A.csrrw(a0, csr, zero))).illegal, 'csrrw writes even from x0').toBe(true);
      // rs1 != x0 is a write even when the register holds 0
      expect((await attempt(A.csrrs(a0, csr, a1), { regs: { [a1]: 0n } })).illegal).toBe(true);
      expect((await attempt(A.csrrci(a0, csr, 1))).illegal).toBe(true);
      expect((await attempt(A.csrrwi(a0, csr, 0))).illegal).toBe(true);
    }
    const r = await attempt(A.csrr(a0, MHARTID), { regs: { [a0]: 5n } });
    expect(r.regs(a0)).toBe(0n); // hart 0
  });

  it('nonexistent CSRs are illegal to read and to write', async () => {
    // custom 0x7c0, unassigned hypervisor 0x601, fflags 0x001 (no F), odd pmpcfg1 0x3a1 (RV64), unassigned VS 0x201
    for (const csr of [0x7c0, 0x601, 0x001, 0x3a1, 0x201, 0x5c0, 0x8c0, 0xcc0]) {
      expect((await attempt(A.csrr(a0, csr))).illegal, `csrr 0x${csr.toString(16)}`).toBe(true);
      expect((await attempt(A.csrw(csr, a0))).illegal, `csrw 0x${csr.toString(16)}`).toBe(true);
    }
  });

  it('M-level CSRs are illegal from S and U; S-level from U; S CSRs work in S', async () => {
    for (const csr of [MSTATUS, MISA, MEDELEG, MTVEC, MSCRATCH, MEPC, MIP, MVENDORID, MHARTID, MCYCLE, MINSTRET, 0x3a0, 0x3b0]) {
      for (const priv of [0, 1] as const) {
        expect((await attempt(A.csrr(a0, csr), { priv })).illegal, `csrr 0x${csr.toString(16)} in ${priv}`).toBe(true);
      }
    }
    for (const csr of [SSTATUS, SIE, STVEC, SSCRATCH, SEPC, SIP, SATP, SCOUNTEREN]) {
      expect((await attempt(A.csrr(a0, csr), { priv: 0 })).illegal, `csrr 0x${csr.toString(16)} in U`).toBe(true);
      expect((await attempt(A.csrr(a0, csr), { priv: 1 })).illegal, `csrr 0x${csr.toString(16)} in S`).toBe(false);
    }
    const s = await attempt(A.csrrw(a0, SSCRATCH, a1), { priv: 1, regs: { [a1]: 0x77n } });
    expect([s.illegal, s.csr(SSCRATCH)]).toEqual([false, 0x77n]);
  });
});

describe('identity and WARL fields', () => {
  it('misa reads RV64 with A, C, H, I, M, S, U (0x8000000000141185), also from the guest', async () => {
    const r = await attempt(A.csrr(a0, MISA));
    // MXL = 2 (bits 63:62); extensions A(0) C(2) H(7) I(8) M(12) S(18) U(20); no D or F
    expect(r.regs(a0)).toBe((2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 7n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n));
    expect(r.regs(a0)).toBe(0x8000_0000_0014_1185n);
  });

  it('mstatus UXL and SXL read 2 (64-bit) and cannot be changed; sstatus shows UXL', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[a1, 0n], [a2, -1n]],
      code: [A.csrr(a0, MSTATUS), A.csrw(MSTATUS, a1), A.csrr(a3, MSTATUS), A.csrw(MSTATUS, a2), A.csrr(a4, MSTATUS), A.csrr(a5, SSTATUS), A.csrw(MSTATUS, a1)],
      out: [a0, a3, a4, a5],
    }], { machine: m });
    const xl = (v: bigint) => [(v >> 32n) & 3n, (v >> 34n) & 3n];
    expect(xl(r[0][0])).toEqual([2n, 2n]);
    expect(xl(r[0][1])).toEqual([2n, 2n]);
    expect(xl(r[0][2])).toEqual([2n, 2n]);
    expect((r[0][3] >> 32n) & 3n).toBe(2n);
    expect((r[0][3] >> 34n) & 3n).toBe(0n); // SXL is not visible in sstatus
    expect(r[0][1]).toBe(0xa_0000_0000n); // everything else cleared
    // with all ones written: no reserved bit, no FS/VS/XS (no F, V), MPP is not the reserved 2
    expect(r[0][2] & ((1n << 13n) | (1n << 14n) | (1n << 9n) | (1n << 10n) | (1n << 15n) | (1n << 16n))).toBe(0n);
    expect((r[0][2] >> 11n) & 3n).not.toBe(2n);
  });

  it('WARL: medeleg[11] (ecall from M) is read-only zero, mideleg holds SSIP/STIP/SEIP and reads the VS interrupts and SGEI as one, mie the nine interrupts', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[a1, -1n]],
      code: [A.csrw(MEDELEG, a1), A.csrr(a0, MEDELEG), A.csrw(MIDELEG, a1), A.csrr(a2, MIDELEG), A.csrw(MIE, a1), A.csrr(a3, MIE),
        A.csrw(MEDELEG, zero), A.csrw(MIDELEG, zero), A.csrw(MIE, zero)],
      out: [a0, a2, a3],
    }], { machine: m });
    expect((r[0][0] >> 11n) & 1n).toBe(0n);
    // causes 0-10, 12, 13, 15 and 20-23: with H, ecalls from VS and the guest-page and virtual-instruction faults too
    expect(r[0][0]).toBe(0xf0b7ffn);
    expect(r[0][1]).toBe(0x1666n); // SSIP/STIP/SEIP, and VSSIP/VSTIP/VSEIP/SGEIP read-only one
    expect(r[0][2]).toBe(0xeeen); // the M, S and VS interrupts (SGEIE is zero: GEILEN = 0)
  });

  it('WARL: mtvec ignores modes >= 2, mepc/sepc bit 0 reads 0, satp ignores unsupported modes, mip writes only S bits', async () => {
    const m = await newMachine();
    const r = await runOps([
      { name: 'mtvec', in: [[a1, 0x8000_1000n], [a2, 0x8000_2002n], [a4, 0x8000_3003n], [a5, 0x8000_4001n]], code: [A.csrr(t0, MTVEC), A.csrw(MTVEC, a1), A.csrw(MTVEC, a2), A.csrr(a0, MTVEC), A.csrw(MTVEC, a4), A.csrr(a3, MTVEC), A.csrw(MTVEC, a5), A.csrr(a5, MTVEC), A.csrw(MTVEC, t0)], out: [a0, a3, a5] },
      { name: 'stvec', in: [[a1, 0x8000_1000n], [a2, 0x8000_2003n]], code: [A.csrw(STVEC, a1), A.csrw(STVEC, a2), A.csrr(a0, STVEC)], out: [a0] },
      { name: 'mepc/sepc', in: [[a1, 0x8000_1001n], [a2, -1n]], code: [A.csrw(MEPC, a1), A.csrr(a0, MEPC), A.csrw(SEPC, a2), A.csrr(a3, SEPC)], out: [a0, a3] },
      { name: 'satp', in: [[a1, (8n << 60n) | 0x12345n], [a2, (1n << 60n) | 0x999n], [a4, (15n << 60n) | 0x999n]], code: [A.csrw(SATP, a1), A.csrw(SATP, a2), A.csrr(a0, SATP), A.csrw(SATP, a4), A.csrr(a3, SATP), A.csrw(SATP, zero)], out: [a0, a3] },
      { name: 'mip', in: [[a1, -1n]], code: [A.csrw(MIP, a1), A.csrr(a0, MIP), A.csrw(MIP, zero), A.csrr(a3, MIP)], out: [a0, a3] },
      { name: 'mstatus.MPP = 2 is not kept', in: [[a1, 3n << 11n], [a2, 2n << 11n]], code: [A.csrs(MSTATUS, a1), A.csrc(MSTATUS, a1), A.csrs(MSTATUS, a2), A.csrr(a0, MSTATUS), A.csrc(MSTATUS, a1)], out: [a0] },
    ], { machine: m });
    expect(r[0]).toEqual([0x8000_1000n, 0x8000_1000n, 0x8000_4001n]); // mode 2 and 3 writes have no effect; mode 1 (vectored) is kept
    expect(r[1]).toEqual([0x8000_1000n]);
    expect(r[2]).toEqual([0x8000_1000n, 0xffff_ffff_ffff_fffen]);
    expect(r[3]).toEqual([(8n << 60n) | 0x12345n, (8n << 60n) | 0x12345n]);
    // MSIP/MTIP/MEIP are read-only (driven by CLINT/PLIC), none pending; VSSIP (bit 2) is hvip's, writable here
    expect(r[4]).toEqual([0x226n, 0n]);
    expect((r[5][0] >> 11n) & 3n).not.toBe(2n);
  });

  it('sie/sip are the delegated view of mie/mip: only SSIP is writable through sip', async () => {
    const m = await newMachine();
    const r = await runOps([{
      in: [[a1, -1n], [a2, 0x222n]],
      code: [
        A.csrw(SIE, a1), A.csrr(a0, SIE), // nothing delegated: sie is zero
        A.csrw(MIDELEG, a2), A.csrw(SIE, a1), A.csrr(a3, SIE), A.csrr(a4, MIE),
        A.csrw(SIP, a1), A.csrr(a5, SIP), // SSIP only
        A.csrw(MIP, zero), A.csrw(MIE, zero), A.csrw(MIDELEG, zero),
      ],
      out: [a0, a3, a4, a5],
    }], { machine: m });
    expect(r[0]).toEqual([0n, 0x222n, 0x222n, 0x2n]);
  });
});

describe('counter-enable gating of cycle, time and instret', () => {
  const counters: [string, number, bigint][] = [['cycle', CYCLE, 1n], ['time', TIME, 2n], ['instret', INSTRET, 4n], ['hpmcounter3', 0xc03, 8n]];
  for (const [name, csr, bit] of counters) {
    it(`${name}: M always; S needs mcounteren; U needs mcounteren and scounteren`, async () => {
      expect((await attempt(A.csrr(a0, csr), { csrs: [[MCOUNTEREN, 0n]] })).illegal).toBe(false);
      for (const [men, sen] of [[0n, 0n], [bit, 0n], [0n, bit], [bit, bit], [~bit & 0xffff_ffffn, 0xffff_ffffn]]) {
        const csrs: [number, bigint][] = [[MCOUNTEREN, men], [SCOUNTEREN, sen]];
        const allowedS = (men & bit) !== 0n, allowedU = allowedS && (sen & bit) !== 0n;
        expect((await attempt(A.csrr(a0, csr), { csrs, priv: 1 })).illegal, `S, mcounteren ${men}`).toBe(!allowedS);
        expect((await attempt(A.csrr(a0, csr), { csrs, priv: 0 })).illegal, `U, mcounteren ${men} scounteren ${sen}`).toBe(!allowedU);
      }
    });
  }

  it('instret read twice in a row differs by exactly 1; cycle and mcycle agree', async () => {
    const r = await runOps([{ code: [A.csrr(a0, INSTRET), A.csrr(a1, INSTRET), A.csrr(a2, CYCLE), A.csrr(a3, MCYCLE), A.csrr(a4, MINSTRET)], out: [a0, a1, a2, a3, a4] }]);
    const [i0, i1, c, mc, mi] = r[0];
    expect(i1 - i0).toBe(1n);
    expect(mc - c).toBe(1n);
    expect(mi - i1).toBe(3n);
  });
});

describe('mstatus TVM, TSR, TW and the privileged instructions', () => {
  it('TVM: satp and sfence.vma are illegal in S when set, legal when clear, and TVM does not affect M', async () => {
    for (const insn of [A.csrr(a0, SATP), A.csrw(SATP, zero), A.sfence_vma(), A.sfence_vma(a0, a1)]) {
      expect((await attempt(insn, { priv: 1, csrs: [[MSTATUS, TVM]] })).illegal).toBe(true);
      expect((await attempt(insn, { priv: 1, csrs: [[MSTATUS, 0n]] })).illegal).toBe(false);
      expect((await attempt(insn, { priv: 3, csrs: [[MSTATUS, TVM]] })).illegal).toBe(false);
    }
    expect((await attempt(A.sfence_vma(), { priv: 0 })).illegal).toBe(true); // never in U
  });

  it('TSR: sret is illegal in S when set; legal in M regardless; always illegal in U', async () => {
    const SPP_U_TARGET: [number, bigint][] = [[SEPC, CODE + 4n]]; // returns to the HALT after it
    expect((await attempt(A.sret(), { priv: 1, csrs: [[MSTATUS, TSR], ...SPP_U_TARGET] })).illegal).toBe(true);
    expect((await attempt(A.sret(), { priv: 1, csrs: [[MSTATUS, 0n], ...SPP_U_TARGET] })).illegal).toBe(false);
    expect((await attempt(A.sret(), { priv: 3, csrs: [[MSTATUS, TSR], ...SPP_U_TARGET] })).illegal).toBe(false);
    expect((await attempt(A.sret(), { priv: 0, csrs: SPP_U_TARGET })).illegal).toBe(true);
  });

  it('TW: wfi is illegal in S when set (nothing pending); wfi is illegal in U; legal in M and S otherwise', async () => {
    expect((await attempt(A.wfi(), { priv: 1, csrs: [[MSTATUS, TW]] })).illegal).toBe(true);
    expect((await attempt(A.wfi(), { priv: 1, csrs: [[MSTATUS, 0n]] })).illegal).toBe(false);
    expect((await attempt(A.wfi(), { priv: 3, csrs: [[MSTATUS, TW]] })).illegal).toBe(false);
    expect((await attempt(A.wfi(), { priv: 0 })).illegal).toBe(true);
  });

  it('mret is illegal below M', async () => {
    expect((await attempt(A.mret(), { priv: 1, csrs: [[MEPC, CODE + 4n]] })).illegal).toBe(true);
    expect((await attempt(A.mret(), { priv: 0, csrs: [[MEPC, CODE + 4n]] })).illegal).toBe(true);
  });

  it('a CSR write that enables an interrupt takes effect before the next instruction', async () => {
    // mtimecmp = 0 (pending now), MTIE set; csrsi mstatus, MIE: the interrupt is taken with mepc = the next instruction
    const p = new Program(CODE).li(a0, 0x200_4000).i(A.sd(zero, 0, a0)).li(a1, 0x80).i(A.csrw(MIE, a1));
    const at = p.here;
    p.i(A.csrsi(MSTATUS, 8));
    p.i(A.addi(a2, zero, 1), HALT);
    const { m, trapped } = await runProgram(p);
    expect(trapped).toBe('M');
    expect(m.readCsr(0x342)).toBe((1n << 63n) | 7n);
    expect(m.readCsr(MEPC)).toBe(at + 4n);
    expect(m.getReg(a2)).toBe(0n);
  });
});

describe('mcountinhibit', () => {
  it('CY and IR stop mcycle/minstret; TM (bit 1) is read-only zero; clearing resumes from the held value', async () => {
    const r = await runOps([{
      in: [[a1, -1n]],
      code: [A.csrw(0x320, a1), A.csrr(a0, 0x320), A.csrr(a2, MINSTRET), A.csrr(a3, MCYCLE), A.addi(t0, zero, 1), A.addi(t0, zero, 2),
        A.csrr(a4, MINSTRET), A.csrr(a5, MCYCLE), A.csrw(0x320, zero), A.csrr(t0, MINSTRET), A.csrr(t1, MINSTRET)],
      out: [a0, a2, a3, a4, a5, t0, t1],
    }]);
    const [inh, i0, c0, i1, c1, i2, i3] = r[0];
    expect(inh).toBe(5n);
    expect([i1, c1]).toEqual([i0, c0]);
    // whether the csrw that clears the inhibit is itself counted is not pinned down by the spec
    expect([0n, 1n]).toContain(i2 - i1);
    expect(i3 - i2).toBe(1n);
  });
});
