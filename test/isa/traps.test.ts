// Exceptions: causes and trap values, exactly what trap entry writes (xepc, xcause, xtval and the
// mstatus stack), what mret/sret restore, delegation to S, vectored trap vectors, illegal 32-bit
// encodings, and misaligned fetch once C is turned off.
import { describe, it, expect } from 'vitest';
import * as A from '../helpers/asm.js';
import { a0, a1, a2, t0, zero, Program } from '../helpers/asm.js';
import { runProgram, CODE, HALT, M_HANDLER, S_HANDLER } from '../helpers/harness.js';

const MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343;
const SSTATUS = 0x100, STVEC = 0x105, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143;
const SIE = 1n << 1n, MIE_ = 1n << 3n, SPIE = 1n << 5n, MPIE = 1n << 7n, SPP = 1n << 8n, MPP = 3n << 11n, MPRV = 1n << 17n;
const XL = (2n << 32n) | (2n << 34n); // UXL = SXL = 2, always
const PRIV_NAME = { 0: 'U', 1: 'S', 3: 'M' } as const;

describe('ecall and ebreak', () => {
  for (const [priv, cause] of [[3, 11], [1, 9], [0, 8]] as const) {
    it(`ecall from ${PRIV_NAME[priv]}: cause ${cause}, mepc = its pc, mtval = 0, MPP = ${priv}`, async () => {
      const { m, trapped, exit } = await runProgram([A.addi(a0, zero, 1), A.ecall(), ...HALT], { priv, csrs: [[MTVAL, 0x1234n]] });
      expect(trapped).toBe('M');
      expect([m.readCsr(MCAUSE), m.readCsr(MEPC), m.readCsr(MTVAL)]).toEqual([BigInt(cause), CODE + 4n, 0n]);
      expect((m.readCsr(MSTATUS) & MPP) >> 11n).toBe(BigInt(priv));
      expect(m.priv).toBe(3);
      expect(exit.pc).toBe(M_HANDLER + 4n);
      // and as an exit record
      const e = await runProgram([A.addi(a0, zero, 1), A.ecall(), ...HALT], { priv, exitOn: [cause] });
      expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc, e.exit.insn]).toEqual(['trap', cause, 0n, CODE + 4n, A.ecall()]);
    });
  }

  it('ebreak: cause 3, tval = mepc = its pc, in every mode', async () => {
    for (const priv of [3, 1, 0] as const) {
      const { m, trapped } = await runProgram([A.addi(a0, zero, 1), A.addi(a0, zero, 2), A.ebreak(), ...HALT], { priv });
      expect(trapped).toBe('M');
      expect([m.readCsr(MCAUSE), m.readCsr(MEPC), m.readCsr(MTVAL)]).toEqual([3n, CODE + 8n, CODE + 8n]);
    }
  });
});

describe('trap entry and return', () => {
  /** mstatus after a trap to M from `priv` (ISA manual: MPIE <- MIE, MIE <- 0, MPP <- priv). */
  const entryM = (before: bigint, priv: number) =>
    (before & ~(MIE_ | MPIE | MPP)) | ((before & MIE_) !== 0n ? MPIE : 0n) | (BigInt(priv) << 11n);

  for (const [priv, before] of [
    [3, XL | MIE_], [3, XL | MPIE | SIE | SPIE], [1, XL | MIE_ | SIE], [0, XL | MPIE], [0, XL | MIE_ | MPIE | SPP], [1, XL],
  ] as const) {
    it(`from ${PRIV_NAME[priv]} with mstatus 0x${before.toString(16)}: exactly MPIE <- MIE, MIE <- 0, MPP <- ${priv}; other bits kept`, async () => {
      const { m, trapped } = await runProgram([A.ecall(), ...HALT], { priv, csrs: [[MSTATUS, before]] });
      expect(trapped).toBe('M');
      expect(m.readCsr(MSTATUS).toString(16)).toBe(entryM(before, priv).toString(16));
    });
  }

  it('mret to S: priv S, pc = mepc, MIE <- MPIE, MPIE <- 1, MPP <- U, MPRV cleared', async () => {
    const p = new Program(CODE).i(A.mret(), ...HALT).org(0x100).i(A.wfi());
    const before = XL | MIE_ | MPRV | (1n << 11n); // MPP = S, MPIE = 0
    const { m, exit } = await runProgram(p, { csrs: [[MSTATUS, before], [MEPC, CODE + 0x100n]] });
    expect([exit.reason, exit.pc]).toEqual(['wfi', CODE + 0x104n]); // WFI is legal in S (TW = 0)
    expect(m.priv).toBe(1);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | MPIE).toString(16));
  });

  it('mret to U: MIE <- MPIE = 1, MPIE <- 1, MPP <- U', async () => {
    const p = new Program(CODE).i(A.mret(), ...HALT).org(0x100).i(A.jal(zero, 0));
    const { m, exit } = await runProgram(p, { budget: 50, csrs: [[MSTATUS, XL | MPIE], [MEPC, CODE + 0x100n]] });
    expect([exit.reason, exit.pc]).toEqual(['budget', CODE + 0x100n]);
    expect(m.priv).toBe(0);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | MIE_ | MPIE).toString(16));
  });

  it('mret to M keeps MPRV; MPP becomes U', async () => {
    const p = new Program(CODE).i(A.mret(), ...HALT).org(0x100).i(A.wfi());
    const { m, exit } = await runProgram(p, { csrs: [[MSTATUS, XL | MPRV | MPP], [MEPC, CODE + 0x101n]] }); // mepc bit 0 is ignored
    expect([exit.reason, exit.pc]).toEqual(['wfi', CODE + 0x104n]);
    expect(m.priv).toBe(3);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | MPRV | MPIE).toString(16));
  });

  it('sret to U: priv U, pc = sepc, SIE <- SPIE, SPIE <- 1, SPP <- U, MPRV cleared', async () => {
    const p = new Program(CODE).i(A.sret(), ...HALT).org(0x100).i(A.jal(zero, 0));
    const { m, exit } = await runProgram(p, { priv: 1, budget: 20, csrs: [[MSTATUS, XL | SPIE | MPRV], [SEPC, CODE + 0x100n]] });
    expect([exit.reason, exit.pc]).toEqual(['budget', CODE + 0x100n]);
    expect(m.priv).toBe(0);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | SIE | SPIE).toString(16));
  });

  it('sret from M to S (SPP = 1): SIE <- SPIE = 0, SPIE <- 1', async () => {
    const p = new Program(CODE).i(A.sret(), ...HALT).org(0x100).i(A.wfi());
    const { m, exit } = await runProgram(p, { csrs: [[MSTATUS, XL | SIE | SPP], [SEPC, CODE + 0x100n]] });
    expect([exit.reason, exit.pc]).toEqual(['wfi', CODE + 0x104n]);
    expect(m.priv).toBe(1);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | SPIE).toString(16));
  });

  it('a full round trip: U ecall -> M handler -> mret resumes after the ecall in U', async () => {
    const handler = [A.csrr(t0, MEPC), A.addi(t0, t0, 4), A.csrw(MEPC, t0), A.mret()];
    const p = new Program(CODE).i(A.addi(a0, zero, 1), A.ecall(), A.addi(a1, zero, 2), A.jal(zero, 0));
    const { m, exit } = await runProgram(p, { priv: 0, mHandler: handler, budget: 40 });
    expect(exit.reason).toBe('budget');
    expect([m.getReg(a0), m.getReg(a1), m.priv]).toEqual([1n, 2n, 0]);
    expect(m.readCsr(MCAUSE)).toBe(8n);
  });
});

describe('delegation to S', () => {
  it('ecall from U delegated by medeleg[8]: scause/sepc/stval, SPP = U, SPIE <- SIE, SIE <- 0; M CSRs untouched', async () => {
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), A.ecall(), ...HALT], {
      priv: 0, csrs: [[MEDELEG, 1n << 8n], [MSTATUS, XL | SIE], [MCAUSE, 0x77n], [MEPC, 0x88n], [0x143, 0x99n]],
    });
    expect(trapped).toBe('S');
    expect(m.priv).toBe(1);
    expect([m.readCsr(SCAUSE), m.readCsr(SEPC), m.readCsr(STVAL)]).toEqual([8n, CODE + 4n, 0n]);
    expect(m.readCsr(MSTATUS).toString(16)).toBe((XL | SPIE).toString(16));
    expect([m.readCsr(MCAUSE), m.readCsr(MEPC)]).toEqual([0x77n, 0x88n]);
  });

  it('an illegal instruction in S delegated by medeleg[2]: stval = the instruction, SPP = S', async () => {
    const bad = 0xffff_ffff;
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), bad, ...HALT], { priv: 1, csrs: [[MEDELEG, 1n << 2n]] });
    expect(trapped).toBe('S');
    expect([m.readCsr(SCAUSE), m.readCsr(SEPC), m.readCsr(STVAL)]).toEqual([2n, CODE + 4n, 0xffff_ffffn]);
    expect(m.readCsr(SSTATUS) & SPP).toBe(SPP);
  });

  it('exceptions in M are never delegated', async () => {
    const { m, trapped } = await runProgram([0xffff_ffff, ...HALT], { csrs: [[MEDELEG, 0xb3ffn]] });
    expect(trapped).toBe('M');
    expect([m.readCsr(MCAUSE), m.readCsr(MTVAL)]).toEqual([2n, 0xffff_ffffn]);
    expect(m.readCsr(SCAUSE)).toBe(0n);
  });

  it('an exception in U that is not delegated goes to M even when others are', async () => {
    const { m, trapped } = await runProgram([A.ebreak(), ...HALT], { priv: 0, csrs: [[MEDELEG, 0xb3ffn & ~(1n << 3n)]] });
    expect(trapped).toBe('M');
    expect(m.readCsr(MCAUSE)).toBe(3n);
  });
});

describe('trap vectors', () => {
  const VECTORS = Array.from({ length: 16 }, () => A.wfi()); // a WFI at every vector: the exit pc tells which one ran

  it('vectored mtvec: exceptions go to the base, interrupts to base + 4 * cause', async () => {
    const ecall = await runProgram([A.ecall(), ...HALT], { mHandler: VECTORS, mtvecMode: 1, config: { exitOnWfi: true } });
    expect([ecall.exit.reason, ecall.exit.pc]).toEqual(['wfi', M_HANDLER + 4n]);
    expect(ecall.m.readCsr(MTVEC)).toBe(M_HANDLER | 1n);
    // machine timer (7): mtimecmp = 0, MTIE, MIE
    const timer = new Program(CODE).li(a0, 0x200_4000).i(A.sd(zero, 0, a0)).li(a1, 0x80).i(A.csrw(MIE, a1), A.csrsi(MSTATUS, 8), ...HALT);
    const t = await runProgram(timer, { mHandler: VECTORS, mtvecMode: 1, config: { exitOnWfi: true } });
    expect([t.exit.reason, t.exit.pc]).toEqual(['wfi', M_HANDLER + 4n * 7n + 4n]);
    expect(t.m.readCsr(MCAUSE)).toBe((1n << 63n) | 7n);
    // machine software (3): msip = 1
    const soft = new Program(CODE).li(a0, 0x200_0000).li(a2, 1).i(A.sw(a2, 0, a0)).li(a1, 0x8).i(A.csrw(MIE, a1), A.csrsi(MSTATUS, 8), ...HALT);
    const s = await runProgram(soft, { mHandler: VECTORS, mtvecMode: 1, config: { exitOnWfi: true } });
    expect([s.exit.reason, s.exit.pc]).toEqual(['wfi', M_HANDLER + 4n * 3n + 4n]);
  });

  it('vectored stvec: a delegated supervisor timer interrupt goes to base + 4 * 5, a delegated exception to the base', async () => {
    const sv = { mHandler: null, sHandler: VECTORS, config: { exitOnWfi: true } };
    const irq = await runProgram([A.addi(a0, zero, 1), ...HALT], {
      ...sv, priv: 1, setup: (m) => m.writeCsr(STVEC, S_HANDLER | 1n),
      csrs: [[MIDELEG, 0x20n], [MIE, 0x20n], [0x344, 0x20n], [MSTATUS, XL | SIE]],
    });
    expect([irq.exit.reason, irq.exit.pc]).toEqual(['wfi', S_HANDLER + 24n]);
    expect(irq.m.readCsr(SCAUSE)).toBe((1n << 63n) | 5n);
    const exc = await runProgram([A.ecall(), ...HALT], { ...sv, priv: 0, setup: (m) => m.writeCsr(STVEC, S_HANDLER | 1n), csrs: [[MEDELEG, 1n << 8n]] });
    expect([exc.exit.reason, exc.exit.pc]).toEqual(['wfi', S_HANDLER + 4n]);
  });
});

describe('illegal 32-bit encodings', () => {
  const ILLEGAL: [string, number][] = [
    ['all ones (a reserved >= 80-bit encoding)', 0xffff_ffff],
    ['LOAD funct3 = 7', 0x0000_7003],
    ['STORE funct3 = 4', 0x0000_4023],
    ['STORE funct3 = 7', 0x0000_7023],
    ['BRANCH funct3 = 2', 0x0000_2063],
    ['BRANCH funct3 = 3', 0x0000_3063],
    ['JALR funct3 = 1', 0x0000_1067],
    ['OP funct7 = 0x20 with funct3 = 1 (no "sub-sll")', 0x4000_1033],
    ['OP funct7 = 0x02', 0x0400_0033],
    ['OP-32 funct7 = 1, funct3 = 1 (no mulhw)', 0x0200_103b],
    ['OP-32 funct3 = 2', 0x0000_203b],
    ['OP-IMM slli with imm[11:6] = 1', 0x0400_1013],
    ['OP-IMM srli/srai with imm[11:6] = 0x11', 0x4400_5013],
    ['OP-IMM-32 slliw with shamt[5] set', 0x0200_101b],
    ['OP-IMM-32 sraiw with shamt[5] set', 0x4200_501b],
    ['OP-IMM-32 funct3 = 2', 0x0000_201b],
    ['AMO funct3 = 0', 0x0000_002f],
    ['AMO funct3 = 4', 0x0000_402f],
    ['AMO funct5 = 5', 0x2800_202f],
    ['LR.W with rs2 != 0', 0x1010_202f],
    ['MISC-MEM funct3 = 2', 0x0000_200f],
    ['SYSTEM funct3 = 4', 0x0000_4073],
    ['ECALL with rd != 0', 0x0000_00f3],
    ['EBREAK with rs1 != 0', 0x0010_8073],
    ['MRET with rs1 != 0', 0x3020_8073],
    ['SRET with rd != 0', 0x1020_00f3],
    ['WFI with rs1 != 0', 0x1050_8073],
    ['SFENCE.VMA with rd != 0', 0x1200_00f3],
    ['URET (removed)', 0x0020_0073],
    ['FLW (no F)', 0x0000_2007],
    ['FSD (no D)', 0x0000_3027],
    ['OP-FP fadd.s (no F)', 0x0000_0053],
    ['FMADD (no F)', 0x0000_0043],
    ['custom-0', 0x0000_000b],
    ['OP-V (no V)', 0x0000_0057],
    ['reserved opcode 0x77', 0x0000_0077],
    ['48-bit encoding prefix', 0x0000_001f],
  ];
  for (const [name, bits] of ILLEGAL) {
    it(`${name}: 0x${(bits >>> 0).toString(16).padStart(8, '0')} -> cause 2, tval = the bits`, async () => {
      const e = await runProgram([A.addi(a0, zero, 1), bits, ...HALT], { exitOn: [2] });
      expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc, e.exit.insn]).toEqual(['trap', 2, BigInt(bits >>> 0), CODE + 4n, bits >>> 0]);
    });
  }

  it('the all-zero word: illegal (as the 16-bit 0x0000), tval 0, in the guest too', async () => {
    const { m, trapped } = await runProgram([A.addi(a0, zero, 1), 0x0000_0000, ...HALT], { csrs: [[MTVAL, 0x55n]] });
    expect(trapped).toBe('M');
    expect([m.readCsr(MCAUSE), m.readCsr(MEPC), m.readCsr(MTVAL)]).toEqual([2n, CODE + 4n, 0n]);
  });

  it('in the guest: mtval = the instruction bits, and the instruction had no effect', async () => {
    const bits = 0x4200_501b; // would be "sraiw a0, a0, 32"
    const { m, trapped } = await runProgram([A.addi(a0, zero, -1), bits | (10 << 7) | (10 << 15), ...HALT]);
    expect(trapped).toBe('M');
    expect([m.readCsr(MCAUSE), m.readCsr(MTVAL)]).toEqual([2n, BigInt((bits | (10 << 7) | (10 << 15)) >>> 0)]);
    expect(m.getReg(a0)).toBe(0xffff_ffff_ffff_ffffn);
  });
});

describe('misa.C off', () => {
  it('cannot be cleared when the next instruction is not 4-byte aligned', async () => {
    const p = new Program(CODE).c(A.c_nop()).i(A.addi(a0, zero, 4), A.csrc(MISA, a0)).c(A.c_nop()).i(...HALT);
    // csrc at CODE+6: the next pc (CODE+10) is not 4-aligned: the write is suppressed
    const { m, halted } = await runProgram(p);
    expect(halted).toBe(true);
    expect(m.readCsr(MISA) & 4n).toBe(4n);
  });

  it('then compressed instructions are illegal and a jump to a 2-mod-4 target raises misaligned fetch on the jump', async () => {
    const p = new Program(CODE).i(A.addi(a0, zero, 4), A.csrc(MISA, a0));
    const jal = p.here;
    p.i(A.jal(zero, 6)); // target CODE + 8 + 6: misaligned
    p.i(...HALT);
    const e = await runProgram(p, { exitOn: [0] });
    expect(e.m.readCsr(MISA) & 4n).toBe(0n);
    expect([e.exit.reason, e.exit.cause, e.exit.tval, e.exit.pc]).toEqual(['trap', 0, jal + 6n, jal]);
    const q = new Program(CODE).i(A.addi(a0, zero, 4), A.csrc(MISA, a0)).c(A.c_li(a1, 5), A.c_nop()).i(...HALT);
    const c = await runProgram(q, { exitOn: [2] });
    expect([c.exit.reason, c.exit.cause, c.exit.pc]).toEqual(['trap', 2, CODE + 8n]);
    // mepc bit 1 reads zero without C (IALIGN = 32)
    const r = await runProgram([A.addi(a0, zero, 4), A.csrc(MISA, a0), ...A.li(a1, 0x8000_0006n), A.csrw(MEPC, a1), A.csrr(a2, MEPC), ...HALT]);
    expect(r.halted).toBe(true);
    expect(r.m.getReg(a2)).toBe(0x8000_0004n);
  });
});

describe('instructions that trap do not retire', () => {
  it('ecall, ebreak, an illegal instruction and a faulting load leave instret alone; the trap counts as an exception', async () => {
    for (const insn of [A.ecall(), A.ebreak(), 0xffff_ffff, A.ld(a0, 0, zero)]) {
      const { m, exit } = await runProgram([A.addi(a0, zero, 1), A.addi(a0, zero, 2), insn, ...HALT], { exitOn: [2, 3, 5, 11] });
      expect(exit.reason).toBe('trap');
      expect(m.counters().instret).toBe(2n);
      const g = await runProgram([A.addi(a0, zero, 1), A.addi(a0, zero, 2), insn, ...HALT]);
      expect(g.trapped).toBe('M');
      expect(g.m.counters().instret).toBe(3n); // the two addi and the handler's WFI
      expect(g.m.counters().exceptions).toBe(1n);
    }
  });
});
