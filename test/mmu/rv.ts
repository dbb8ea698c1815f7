/**
 * A tiny RV64IMAC assembler for the MMU tests (encodings from the unprivileged and privileged
 * specifications). Labels and forward references are resolved by `bytes()`. Kept local to
 * test/mmu so these tests do not depend on anyone else's helper.
 */

export const zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9;
export const a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17;
export const s2 = 18, s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, s8 = 24, s9 = 25, s10 = 26, s11 = 27;
export const t3 = 28, t4 = 29, t5 = 30, t6 = 31;

export const CSR = {
  sstatus: 0x100, stvec: 0x105, sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, satp: 0x180,
  mstatus: 0x300, medeleg: 0x302, mtvec: 0x305, mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343,
} as const;

const u32 = (x: number) => x >>> 0;
const fitsSigned = (v: number, bits: number) => v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
function checkImm(v: number, bits: number, what: string) {
  if (!Number.isInteger(v) || !fitsSigned(v, bits)) throw new Error(`${what}: immediate ${v} does not fit ${bits} signed bits`);
}

// --- raw encoders ---
export const encR = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  u32((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
export const encI = (imm: number, rs1: number, f3: number, rd: number, op: number) => {
  checkImm(imm, 12, 'I-type');
  return u32(((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
};
export const encS = (imm: number, rs2: number, rs1: number, f3: number, op: number) => {
  checkImm(imm, 12, 'S-type');
  return u32((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op);
};
export const encB = (off: number, rs2: number, rs1: number, f3: number) => {
  checkImm(off, 13, 'branch');
  if (off & 1) throw new Error(`branch offset ${off} is odd`);
  return u32((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7) | 0x63);
};
export const encU = (imm20: number, rd: number, op: number) => u32(((imm20 & 0xfffff) << 12) | (rd << 7) | op);
export const encJ = (off: number, rd: number) => {
  checkImm(off, 21, 'jal');
  if (off & 1) throw new Error(`jal offset ${off} is odd`);
  return u32((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) |
    (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f);
};

// Single instructions usable outside an Asm (e.g. as data to patch code with)
export const ADDI = (rd: number, rs1: number, imm: number) => encI(imm, rs1, 0, rd, 0x13);
export const NOP = ADDI(0, 0, 0);
export const EBREAK = 0x00100073;

type Target = string | bigint;
interface Fixup { at: number; kind: 'b' | 'j'; target: Target; f3: number; rs1: number; rs2: number; rd: number }

export class Asm {
  private buf: number[] = []; // bytes
  private labels = new Map<string, bigint>();
  private fixups: Fixup[] = [];
  constructor(readonly base: bigint) {}

  /** Address of the next instruction. */
  get pc(): bigint { return this.base + BigInt(this.buf.length); }
  get size(): number { return this.buf.length; }
  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.pc);
    return this;
  }
  addr(name: string): bigint {
    const a = this.labels.get(name);
    if (a === undefined) throw new Error(`no label ${name}`);
    return a;
  }
  word(w: number): this {
    for (let i = 0; i < 4; i++) this.buf.push((w >>> (8 * i)) & 0xff);
    return this;
  }
  half(h: number): this { this.buf.push(h & 0xff, (h >>> 8) & 0xff); return this; }
  dword(v: bigint): this { for (let i = 0n; i < 8n; i++) this.buf.push(Number((v >> (8n * i)) & 0xffn)); return this; }
  /** Pads with NOPs (and one C.NOP if needed) up to absolute address `a`. */
  org(a: bigint): this {
    if (a < this.pc) throw new Error(`org 0x${a.toString(16)} is behind pc 0x${this.pc.toString(16)}`);
    if ((a - this.pc) % 2n !== 0n) throw new Error('org to an odd distance');
    if ((a - this.pc) % 4n === 2n) this.cnop();
    while (this.pc < a) this.nop();
    return this;
  }

  // --- RV64I ---
  lui(rd: number, imm20: number) { return this.word(encU(imm20, rd, 0x37)); }
  auipc(rd: number, imm20: number) { return this.word(encU(imm20, rd, 0x17)); }
  addi(rd: number, rs1: number, imm: number) { return this.word(encI(imm, rs1, 0, rd, 0x13)); }
  addiw(rd: number, rs1: number, imm: number) { return this.word(encI(imm, rs1, 0, rd, 0x1b)); }
  andi(rd: number, rs1: number, imm: number) { return this.word(encI(imm, rs1, 7, rd, 0x13)); }
  ori(rd: number, rs1: number, imm: number) { return this.word(encI(imm, rs1, 6, rd, 0x13)); }
  xori(rd: number, rs1: number, imm: number) { return this.word(encI(imm, rs1, 4, rd, 0x13)); }
  slli(rd: number, rs1: number, sh: number) { return this.word(encI(sh & 63, rs1, 1, rd, 0x13)); }
  srli(rd: number, rs1: number, sh: number) { return this.word(encI(sh & 63, rs1, 5, rd, 0x13)); }
  add(rd: number, rs1: number, rs2: number) { return this.word(encR(0, rs2, rs1, 0, rd, 0x33)); }
  sub(rd: number, rs1: number, rs2: number) { return this.word(encR(0x20, rs2, rs1, 0, rd, 0x33)); }
  or(rd: number, rs1: number, rs2: number) { return this.word(encR(0, rs2, rs1, 6, rd, 0x33)); }
  xor(rd: number, rs1: number, rs2: number) { return this.word(encR(0, rs2, rs1, 4, rd, 0x33)); }
  mv(rd: number, rs: number) { return this.addi(rd, rs, 0); }
  nop() { return this.addi(0, 0, 0); }
  ld(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 3, rd, 0x03)); }
  lw(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 2, rd, 0x03)); }
  lwu(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 6, rd, 0x03)); }
  lb(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 0, rd, 0x03)); }
  lbu(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 4, rd, 0x03)); }
  sd(rs2: number, rs1: number, imm = 0) { return this.word(encS(imm, rs2, rs1, 3, 0x23)); }
  sw(rs2: number, rs1: number, imm = 0) { return this.word(encS(imm, rs2, rs1, 2, 0x23)); }
  sh(rs2: number, rs1: number, imm = 0) { return this.word(encS(imm, rs2, rs1, 1, 0x23)); }
  sb(rs2: number, rs1: number, imm = 0) { return this.word(encS(imm, rs2, rs1, 0, 0x23)); }
  jalr(rd: number, rs1: number, imm = 0) { return this.word(encI(imm, rs1, 0, rd, 0x67)); }
  ret() { return this.jalr(0, ra, 0); }
  private branch(f3: number, rs1: number, rs2: number, target: Target) {
    this.fixups.push({ at: this.buf.length, kind: 'b', target, f3, rs1, rs2, rd: 0 });
    return this.word(0);
  }
  beq(rs1: number, rs2: number, t: Target) { return this.branch(0, rs1, rs2, t); }
  bne(rs1: number, rs2: number, t: Target) { return this.branch(1, rs1, rs2, t); }
  blt(rs1: number, rs2: number, t: Target) { return this.branch(4, rs1, rs2, t); }
  bge(rs1: number, rs2: number, t: Target) { return this.branch(5, rs1, rs2, t); }
  bltu(rs1: number, rs2: number, t: Target) { return this.branch(6, rs1, rs2, t); }
  bnez(rs: number, t: Target) { return this.bne(rs, 0, t); }
  beqz(rs: number, t: Target) { return this.beq(rs, 0, t); }
  jal(rd: number, target: Target) {
    this.fixups.push({ at: this.buf.length, kind: 'j', target, f3: 0, rs1: 0, rs2: 0, rd });
    return this.word(0);
  }
  j(target: Target) { return this.jal(0, target); }
  call(target: Target) { return this.jal(ra, target); }

  /** Loads any 64-bit constant (the usual lui/addiw, then slli/addi recursion). */
  li(rd: number, value: bigint | number): this {
    const v = BigInt.asIntN(64, BigInt(value));
    if (v >= -(1n << 31n) && v < (1n << 31n)) {
      const lo = Number(BigInt.asIntN(12, v));
      const hi = (v - BigInt(lo)) >> 12n;
      if (hi !== 0n) {
        this.lui(rd, Number(BigInt.asUintN(20, hi)));
        if (lo !== 0) this.addiw(rd, rd, lo);
      } else this.addi(rd, 0, lo);
      return this;
    }
    const lo = Number(BigInt.asIntN(12, v));
    let hi = (v - BigInt(lo)) >> 12n;
    let shift = 12;
    while ((hi & 1n) === 0n) { hi >>= 1n; shift++; }
    this.li(rd, hi);
    this.slli(rd, rd, shift);
    if (lo !== 0) this.addi(rd, rd, lo);
    return this;
  }
  /** Loads the address of a label (lui/addi pairs through li, resolved now: labels must be known). */
  la(rd: number, name: string) { return this.li(rd, this.addr(name)); }

  // --- M ---
  mul(rd: number, rs1: number, rs2: number) { return this.word(encR(1, rs2, rs1, 0, rd, 0x33)); }

  // --- A ---
  lrD(rd: number, rs1: number) { return this.word(encR(0x02 << 2, 0, rs1, 3, rd, 0x2f)); }
  scD(rd: number, rs2: number, rs1: number) { return this.word(encR(0x03 << 2, rs2, rs1, 3, rd, 0x2f)); }
  amoaddD(rd: number, rs2: number, rs1: number) { return this.word(encR(0x00 << 2, rs2, rs1, 3, rd, 0x2f)); }
  amoswapW(rd: number, rs2: number, rs1: number) { return this.word(encR(0x01 << 2, rs2, rs1, 2, rd, 0x2f)); }

  // --- Zicsr, Zifencei, privileged ---
  csrrw(rd: number, csr: number, rs1: number) { return this.word(encI(0, rs1, 1, rd, 0x73) | (csr << 20)); }
  csrrs(rd: number, csr: number, rs1: number) { return this.word(encI(0, rs1, 2, rd, 0x73) | (csr << 20)); }
  csrrc(rd: number, csr: number, rs1: number) { return this.word(encI(0, rs1, 3, rd, 0x73) | (csr << 20)); }
  csrw(csr: number, rs1: number) { return this.csrrw(0, csr, rs1); }
  csrr(rd: number, csr: number) { return this.csrrs(rd, csr, 0); }
  csrs(csr: number, rs1: number) { return this.csrrs(0, csr, rs1); }
  csrc(csr: number, rs1: number) { return this.csrrc(0, csr, rs1); }
  ecall() { return this.word(0x00000073); }
  ebreak() { return this.word(EBREAK); }
  mret() { return this.word(0x30200073); }
  sret() { return this.word(0x10200073); }
  wfi() { return this.word(0x10500073); }
  fence() { return this.word(0x0ff0000f); }
  fenceI() { return this.word(0x0000100f); }
  sfenceVma(rs1 = 0, rs2 = 0) { return this.word(encR(0x09, rs2, rs1, 0, 0, 0x73)); }

  // --- C ---
  cnop() { return this.half(0x0001); }

  /** The assembled bytes, with every label reference resolved. */
  bytes(): Uint8Array {
    const out = Uint8Array.from(this.buf);
    const dv = new DataView(out.buffer);
    for (const f of this.fixups) {
      const target = typeof f.target === 'bigint' ? f.target : this.addr(f.target);
      const off = Number(target - (this.base + BigInt(f.at)));
      const w = f.kind === 'b' ? encB(off, f.rs2, f.rs1, f.f3) : encJ(off, f.rd);
      dv.setUint32(f.at, w, true);
    }
    return out;
  }
}
