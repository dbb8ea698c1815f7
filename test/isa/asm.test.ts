// The test assembler (test/helpers/asm.ts) against the real one: every instruction of
// spec/opcodes.mjs and every RV64C instruction, with edge and random operands, is assembled by
// riscv64-unknown-elf-as and compared byte for byte. Also: every encoding matches its pattern in the
// opcode table, the encoders refuse what the assembler refuses, and `li` builds every constant.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '../helpers/asm.js';
import { Rng } from '../helpers/harness.js';
import { OPCODES } from '../../bindings/gen/opcodes.js';

interface Case { name: string; text: string; bits: number; size: 2 | 4 }

const AS = 'riscv64-unknown-elf-as', OBJCOPY = 'riscv64-unknown-elf-objcopy';
function toolPresent(tool: string): boolean {
  try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const haveAs = toolPresent(AS) && toolPresent(OBJCOPY);

const x = (r: number) => `x${r}`;
const rel = (off: number) => (off < 0 ? `. - ${-off}` : `. + ${off}`);
const ORDERINGS: [string, A.Ordering][] = [['', {}], ['.aq', { aq: true }], ['.rl', { rl: true }], ['.aqrl', { aq: true, rl: true }]];

/** All 32-bit cases, keyed by the opcode table's names. */
function cases32(rng: Rng): Case[] {
  const out: Case[] = [];
  const add = (name: string, text: string, bits: number) => out.push({ name, text, bits, size: 4 });
  const r = () => rng.int(32);
  const imm12 = [-2048, 2047, 0, -1, 1, ...Array.from({ length: 4 }, () => rng.range(-2048, 2047))];
  const N = 6; // random register choices per instruction

  const R3: Record<string, (rd: number, rs1: number, rs2: number) => number> = {
    add: A.add, sub: A.sub, sll: A.sll, slt: A.slt, sltu: A.sltu, xor: A.xor, srl: A.srl, sra: A.sra, or: A.or, and: A.and,
    addw: A.addw, subw: A.subw, sllw: A.sllw, srlw: A.srlw, sraw: A.sraw,
    mul: A.mul, mulh: A.mulh, mulhsu: A.mulhsu, mulhu: A.mulhu, div: A.div, divu: A.divu, rem: A.rem, remu: A.remu,
    mulw: A.mulw, divw: A.divw, divuw: A.divuw, remw: A.remw, remuw: A.remuw,
  };
  for (const [name, f] of Object.entries(R3)) {
    for (let k = 0; k < N; k++) { const [d, s1, s2] = [r(), r(), r()]; add(name, `${name} ${x(d)}, ${x(s1)}, ${x(s2)}`, f(d, s1, s2)); }
    add(name, `${name} x31, x31, x31`, f(31, 31, 31));
  }
  const I12: Record<string, (rd: number, rs1: number, imm: number) => number> = {
    addi: A.addi, slti: A.slti, sltiu: A.sltiu, xori: A.xori, ori: A.ori, andi: A.andi, addiw: A.addiw,
  };
  for (const [name, f] of Object.entries(I12)) for (const i of imm12) { const [d, s] = [r(), r()]; add(name, `${name} ${x(d)}, ${x(s)}, ${i}`, f(d, s, i)); }
  const SH: Record<string, [(rd: number, rs1: number, sh: number) => number, number]> = {
    slli: [A.slli, 63], srli: [A.srli, 63], srai: [A.srai, 63], slliw: [A.slliw, 31], srliw: [A.srliw, 31], sraiw: [A.sraiw, 31],
  };
  for (const [name, [f, max]] of Object.entries(SH)) {
    for (const sh of [0, 1, max, max >> 1, rng.range(0, max)]) { const [d, s] = [r(), r()]; add(name, `${name} ${x(d)}, ${x(s)}, ${sh}`, f(d, s, sh)); }
  }
  const LD: Record<string, (rd: number, off: number, rs1: number) => number> = {
    lb: A.lb, lh: A.lh, lw: A.lw, ld: A.ld, lbu: A.lbu, lhu: A.lhu, lwu: A.lwu,
  };
  for (const [name, f] of Object.entries(LD)) for (const i of imm12) { const [d, s] = [r(), r()]; add(name, `${name} ${x(d)}, ${i}(${x(s)})`, f(d, i, s)); }
  const ST: Record<string, (rs2: number, off: number, rs1: number) => number> = { sb: A.sb, sh: A.sh, sw: A.sw, sd: A.sd };
  for (const [name, f] of Object.entries(ST)) for (const i of imm12) { const [s2, s1] = [r(), r()]; add(name, `${name} ${x(s2)}, ${i}(${x(s1)})`, f(s2, i, s1)); }
  const BR: Record<string, (rs1: number, rs2: number, off: number) => number> = {
    beq: A.beq, bne: A.bne, blt: A.blt, bge: A.bge, bltu: A.bltu, bgeu: A.bgeu,
  };
  for (const [name, f] of Object.entries(BR)) {
    for (const o of [-4096, 4094, 2, -2, 0, 2048, -2050, rng.range(-2048, 2047) * 2]) {
      const [s1, s2] = [r(), r()]; add(name, `${name} ${x(s1)}, ${x(s2)}, ${rel(o)}`, f(s1, s2, o));
    }
  }
  for (const i of [0, 0xfffff, 0x80000, 0x7ffff, 1, rng.int(1 << 20)]) {
    const d = r();
    add('lui', `lui ${x(d)}, ${i}`, A.lui(d, i));
    add('auipc', `auipc ${x(d)}, ${i}`, A.auipc(d, i));
  }
  for (const o of [-(1 << 20), (1 << 20) - 2, 2, -2, 0, 2048, 4096, rng.range(-(1 << 19), (1 << 19) - 1) * 2]) {
    const d = r(); add('jal', `jal ${x(d)}, ${rel(o)}`, A.jal(d, o));
  }
  for (const i of imm12) { const [d, s] = [r(), r()]; add('jalr', `jalr ${x(d)}, ${i}(${x(s)})`, A.jalr(d, s, i)); }
  const sets = ['i', 'o', 'r', 'w', 'rw', 'iorw', 'io', 'ow', 'ir'];
  for (let k = 0; k < 8; k++) { const [p, s] = [rng.pick(sets), rng.pick(sets)]; add('fence', `fence ${p}, ${s}`, A.fence(p, s)); }
  add('fence', 'fence', A.fence());
  add('fence.i', 'fence.i', A.fence_i());
  add('ecall', 'ecall', A.ecall());
  add('ebreak', 'ebreak', A.ebreak());
  add('mret', 'mret', A.mret());
  add('sret', 'sret', A.sret());
  add('wfi', 'wfi', A.wfi());
  add('sfence.vma', 'sfence.vma', A.sfence_vma());
  for (let k = 0; k < N; k++) { const [s1, s2] = [r(), r()]; add('sfence.vma', `sfence.vma ${x(s1)}, ${x(s2)}`, A.sfence_vma(s1, s2)); }
  for (let k = 0; k < N; k++) {
    const [s1, s2] = [r(), r()];
    add('hfence.vvma', `hfence.vvma ${x(s1)}, ${x(s2)}`, A.hfence_vvma(s1, s2));
    add('hfence.gvma', `hfence.gvma ${x(s1)}, ${x(s2)}`, A.hfence_gvma(s1, s2));
  }
  const HLV: [string, (rd: number, rs1: number) => number][] = [['hlv.b', A.hlv_b], ['hlv.bu', A.hlv_bu], ['hlv.h', A.hlv_h],
    ['hlv.hu', A.hlv_hu], ['hlvx.hu', A.hlvx_hu], ['hlv.w', A.hlv_w], ['hlv.wu', A.hlv_wu], ['hlvx.wu', A.hlvx_wu], ['hlv.d', A.hlv_d]];
  for (const [name, f] of HLV) for (let k = 0; k < N; k++) { const [d, s1] = [r(), r()]; add(name, `${name} ${x(d)}, (${x(s1)})`, f(d, s1)); }
  const HSV: [string, (rs2: number, rs1: number) => number][] = [['hsv.b', A.hsv_b], ['hsv.h', A.hsv_h], ['hsv.w', A.hsv_w], ['hsv.d', A.hsv_d]];
  for (const [name, f] of HSV) for (let k = 0; k < N; k++) { const [s2, s1] = [r(), r()]; add(name, `${name} ${x(s2)}, (${x(s1)})`, f(s2, s1)); }

  const CSR: Record<string, [(rd: number, csr: number, src: number) => number, boolean]> = {
    csrrw: [A.csrrw, false], csrrs: [A.csrrs, false], csrrc: [A.csrrc, false],
    csrrwi: [A.csrrwi, true], csrrsi: [A.csrrsi, true], csrrci: [A.csrrci, true],
  };
  for (const [name, [f, imm]] of Object.entries(CSR)) {
    for (const csr of [0, 0xfff, 0x300, 0xc00, rng.int(4096), rng.int(4096)]) {
      const d = r(), s = imm ? rng.pick([0, 31, rng.int(32)]) : r();
      add(name, `${name} ${x(d)}, ${csr}, ${imm ? s : x(s)}`, f(d, csr, s));
    }
  }
  const AMOS = ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'];
  for (const w of ['w', 'd']) {
    for (const [sfx, o] of ORDERINGS) {
      const [d, s] = [r(), r()];
      add(`lr.${w}`, `lr.${w}${sfx} ${x(d)}, (${x(s)})`, (w === 'w' ? A.lr_w : A.lr_d)(d, s, o));
      for (const opn of ['sc', ...AMOS.map((a) => `amo${a}`)]) {
        const f = (A as unknown as Record<string, (rd: number, rs2: number, rs1: number, o?: A.Ordering) => number>)[`${opn}_${w}`];
        const [d2, s2, s1] = [r(), r(), r()];
        add(`${opn}.${w}`, `${opn}.${w}${sfx} ${x(d2)}, ${x(s2)}, (${x(s1)})`, f(d2, s2, s1, o));
      }
    }
  }
  return out;
}

const cr = (rng: Rng) => 8 + rng.int(8);
const nz = (rng: Rng) => 1 + rng.int(31);

/** All RV64C cases. */
function cases16(rng: Rng): Case[] {
  const out: Case[] = [];
  const add = (name: string, text: string, bits: number) => out.push({ name, text, bits, size: 2 });
  for (const u of [4, 1020, 8, 512, rng.range(1, 255) * 4]) { const d = cr(rng); add('c.addi4spn', `c.addi4spn ${x(d)}, sp, ${u}`, A.c_addi4spn(d, u)); }
  for (const o of [0, 124, 4, 64, rng.range(0, 31) * 4]) {
    const [d, b] = [cr(rng), cr(rng)];
    add('c.lw', `c.lw ${x(d)}, ${o}(${x(b)})`, A.c_lw(d, o, b));
    add('c.sw', `c.sw ${x(d)}, ${o}(${x(b)})`, A.c_sw(d, o, b));
  }
  for (const o of [0, 248, 8, 128, rng.range(0, 31) * 8]) {
    const [d, b] = [cr(rng), cr(rng)];
    add('c.ld', `c.ld ${x(d)}, ${o}(${x(b)})`, A.c_ld(d, o, b));
    add('c.sd', `c.sd ${x(d)}, ${o}(${x(b)})`, A.c_sd(d, o, b));
    add('c.fld', `c.fld f${d}, ${o}(${x(b)})`, A.c_fld(d, o, b));
    add('c.fsd', `c.fsd f${d}, ${o}(${x(b)})`, A.c_fsd(d, o, b));
  }
  add('c.nop', 'c.nop', A.c_nop());
  for (const i of [1, -1, 31, -32, rng.range(1, 31)]) { const d = nz(rng); add('c.addi', `c.addi ${x(d)}, ${i}`, A.c_addi(d, i)); }
  for (const i of [0, 1, -1, 31, -32, rng.range(-32, 31)]) {
    const d = nz(rng);
    add('c.addiw', `c.addiw ${x(d)}, ${i}`, A.c_addiw(d, i));
    add('c.li', `c.li ${x(d)}, ${i}`, A.c_li(d, i));
  }
  for (const i of [16, -16, -512, 496, rng.range(1, 31) * 16]) add('c.addi16sp', `c.addi16sp sp, ${i}`, A.c_addi16sp(i));
  for (const i of [1, 0x1f, 0xfffff, 0xfffe0, 0x10]) {
    let d = nz(rng); if (d === 2) d = 3;
    add('c.lui', `c.lui ${x(d)}, ${i}`, A.c_lui(d, i));
  }
  for (const sh of [1, 63, 31, 32, rng.range(1, 63)]) {
    const d = cr(rng);
    add('c.srli', `c.srli ${x(d)}, ${sh}`, A.c_srli(d, sh));
    add('c.srai', `c.srai ${x(d)}, ${sh}`, A.c_srai(d, sh));
    const f = nz(rng);
    add('c.slli', `c.slli ${x(f)}, ${sh}`, A.c_slli(f, sh));
  }
  for (const i of [0, -1, 31, -32, rng.range(-32, 31)]) { const d = cr(rng); add('c.andi', `c.andi ${x(d)}, ${i}`, A.c_andi(d, i)); }
  const CA: Record<string, (rd: number, rs2: number) => number> = { sub: A.c_sub, xor: A.c_xor, or: A.c_or, and: A.c_and, subw: A.c_subw, addw: A.c_addw };
  for (const [n, f] of Object.entries(CA)) for (let k = 0; k < 4; k++) { const [d, s] = [cr(rng), cr(rng)]; add(`c.${n}`, `c.${n} ${x(d)}, ${x(s)}`, f(d, s)); }
  for (const o of [-2048, 2046, 2, -2, 0, 1024, rng.range(-1024, 1023) * 2]) add('c.j', `c.j ${rel(o)}`, A.c_j(o));
  for (const o of [-256, 254, 2, -2, 0, 128, rng.range(-128, 127) * 2]) {
    const s = cr(rng);
    add('c.beqz', `c.beqz ${x(s)}, ${rel(o)}`, A.c_beqz(s, o));
    add('c.bnez', `c.bnez ${x(s)}, ${rel(o)}`, A.c_bnez(s, o));
  }
  for (const o of [0, 504, 8, 256, rng.range(0, 63) * 8]) {
    const d = nz(rng), fr = rng.int(32);
    add('c.ldsp', `c.ldsp ${x(d)}, ${o}(sp)`, A.c_ldsp(d, o));
    add('c.sdsp', `c.sdsp ${x(fr)}, ${o}(sp)`, A.c_sdsp(fr, o));
    add('c.fldsp', `c.fldsp f${fr}, ${o}(sp)`, A.c_fldsp(fr, o));
    add('c.fsdsp', `c.fsdsp f${fr}, ${o}(sp)`, A.c_fsdsp(fr, o));
  }
  for (const o of [0, 252, 4, 128, rng.range(0, 63) * 4]) {
    const d = nz(rng), s = rng.int(32);
    add('c.lwsp', `c.lwsp ${x(d)}, ${o}(sp)`, A.c_lwsp(d, o));
    add('c.swsp', `c.swsp ${x(s)}, ${o}(sp)`, A.c_swsp(s, o));
  }
  for (let k = 0; k < 4; k++) {
    const [d, s] = [nz(rng), nz(rng)];
    add('c.jr', `c.jr ${x(d)}`, A.c_jr(d));
    add('c.jalr', `c.jalr ${x(d)}`, A.c_jalr(d));
    add('c.mv', `c.mv ${x(d)}, ${x(s)}`, A.c_mv(d, s));
    add('c.add', `c.add ${x(d)}, ${x(s)}`, A.c_add(d, s));
  }
  add('c.ebreak', 'c.ebreak', A.c_ebreak());
  return out;
}

export const RVC_NAMES = ['c.addi4spn', 'c.fld', 'c.lw', 'c.ld', 'c.fsd', 'c.sw', 'c.sd', 'c.nop', 'c.addi', 'c.addiw', 'c.li',
  'c.addi16sp', 'c.lui', 'c.srli', 'c.srai', 'c.andi', 'c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw', 'c.j', 'c.beqz',
  'c.bnez', 'c.slli', 'c.fldsp', 'c.lwsp', 'c.ldsp', 'c.jr', 'c.mv', 'c.ebreak', 'c.jalr', 'c.add', 'c.fsdsp', 'c.swsp', 'c.sdsp'];

const ALL32 = cases32(new Rng(7));
const ALL16 = cases16(new Rng(8));

function assemble(list: Case[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vmlab-asm-'));
  try {
    const src = ['.option norelax', ...list.map((c) => `${c.size === 2 ? '.option rvc' : '.option norvc'}\n${c.text}`)].join('\n') + '\n';
    writeFileSync(join(dir, 't.s'), src);
    execFileSync(AS, ['-march=rv64gc_zicsr_zifencei_h', '-mabi=lp64d', '-o', join(dir, 't.o'), join(dir, 't.s')], { stdio: 'pipe' });
    execFileSync(OBJCOPY, ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 't.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mine(list: Case[]): Uint8Array {
  const out: number[] = [];
  for (const c of list) for (let i = 0; i < c.size; i++) out.push((c.bits >>> (8 * i)) & 0xff);
  return new Uint8Array(out);
}

function compare(list: Case[]): string[] {
  const theirs = assemble(list);
  const ours = mine(list);
  const diffs: string[] = [];
  if (theirs.length !== ours.length) diffs.push(`length: as ${theirs.length}, ours ${ours.length}`);
  let off = 0;
  for (const c of list) {
    let t = 0;
    for (let i = c.size - 1; i >= 0; i--) t = t * 256 + (theirs[off + i] ?? 0);
    if (t >>> 0 !== c.bits >>> 0) diffs.push(`${c.text}: as 0x${t.toString(16)}, ours 0x${(c.bits >>> 0).toString(16)}`);
    off += c.size;
  }
  return diffs;
}

describe('test assembler vs riscv64-unknown-elf-as', () => {
  if (!haveAs) {
    it.skip(`SKIPPED: ${AS} / ${OBJCOPY} not found on PATH; the encoders are only checked against the opcode table`, () => {});
    return;
  }
  it(`${ALL32.length} 32-bit instructions assemble to the same bytes`, () => {
    expect(compare(ALL32)).toEqual([]);
  });
  it(`${ALL16.length} compressed instructions assemble to the same bytes`, () => {
    expect(compare(ALL16)).toEqual([]);
  });
  it('the comparison notices a wrong encoding (one flipped bit in a 32-bit and a 16-bit case)', () => {
    expect(compare([ALL32[0], { ...ALL32[1], bits: (ALL32[1].bits ^ 0x100) >>> 0 }, ALL16[0]])).toHaveLength(1);
    expect(compare([ALL16[0], { ...ALL16[1], bits: ALL16[1].bits ^ 0x20 }])).toHaveLength(1);
  });
});

describe('test assembler vs the opcode table', () => {
  // bindings/gen/opcodes.ts is generated from spec/opcodes.mjs: the same names, masks and matches.
  const table = OPCODES.filter((o) => !o.pseudo);
  it('covers every instruction of spec/opcodes.mjs and every RV64C instruction', () => {
    expect(table.length).toBeGreaterThanOrEqual(98); // RV64IMA + Zicsr + Zifencei + the privileged ones
    const names32 = new Set(ALL32.map((c) => c.name));
    expect(table.map((o) => o.name).filter((n) => !names32.has(n))).toEqual([]);
    const names16 = new Set(ALL16.map((c) => c.name));
    expect(RVC_NAMES.filter((n) => !names16.has(n))).toEqual([]);
  });
  it('every 32-bit encoding matches its pattern and no other', () => {
    const bad: string[] = [];
    for (const c of ALL32) {
      const hits = table.filter((p) => ((c.bits & p.mask) >>> 0) === p.match >>> 0).map((p) => p.name);
      if (hits.length !== 1 || hits[0] !== c.name) bad.push(`${c.text}: matches [${hits.join(', ')}]`);
    }
    expect(bad).toEqual([]);
  });
  it('compressed encodings are 16-bit and not 32-bit', () => {
    for (const c of ALL16) {
      expect(c.bits >>> 16, c.text).toBe(0);
      expect(c.bits & 3, c.text).not.toBe(3);
    }
  });
});

describe('operand checks', () => {
  it('refuses what the assembler refuses', () => {
    const bad: (() => number)[] = [
      () => A.addi(1, 1, 2048), () => A.addi(1, 1, -2049), () => A.addi(32, 0, 0), () => A.beq(1, 2, 3),
      () => A.beq(1, 2, 4096), () => A.jal(1, 1 << 20), () => A.slli(1, 1, 64), () => A.slliw(1, 1, 32), () => A.lui(1, 1 << 20),
      () => A.csrrw(1, 0x1000, 1), () => A.csrrwi(1, 0x300, 32), () => A.c_addi4spn(8, 0), () => A.c_addi4spn(7, 4),
      () => A.c_addi4spn(8, 2), () => A.c_lw(8, 128, 8), () => A.c_lw(8, 2, 8), () => A.c_ld(8, 4, 8), () => A.c_addi(0, 1),
      () => A.c_addi(1, 0), () => A.c_addiw(0, 1), () => A.c_li(0, 1), () => A.c_addi16sp(0), () => A.c_addi16sp(8),
      () => A.c_addi16sp(512), () => A.c_lui(1, 0), () => A.c_lui(2, 1), () => A.c_lui(1, 0x20), () => A.c_srli(8, 0),
      () => A.c_srli(8, 64), () => A.c_slli(0, 1), () => A.c_j(2048), () => A.c_j(1), () => A.c_beqz(8, 256), () => A.c_beqz(1, 0),
      () => A.c_lwsp(0, 0), () => A.c_ldsp(0, 0), () => A.c_ldsp(1, 4), () => A.c_jr(0), () => A.c_mv(1, 0), () => A.c_add(0, 1),
      () => A.c_swsp(1, 256), () => A.c_sdsp(1, 512),
    ];
    for (const f of bad) expect(f, f.toString()).toThrow(A.AsmError);
  });
});

/** A reference evaluator of the four instructions `li` uses (lui, addi, addiw, slli). */
function evalLi(seq: number[]): bigint {
  let v = 0n;
  for (const w of seq) {
    const opc = w & 0x7f, f3 = (w >>> 12) & 7;
    const immI = BigInt((w >> 20)); // sign-extended by >>
    if (opc === 0x37) v = BigInt.asUintN(64, BigInt((w & 0xfffff000) | 0) );
    else if (opc === 0x13 && f3 === 0) v = BigInt.asUintN(64, (((w >>> 15) & 31) === 0 ? 0n : v) + immI);
    else if (opc === 0x1b && f3 === 0) v = BigInt.asUintN(64, BigInt.asIntN(32, v + immI));
    else if (opc === 0x13 && f3 === 1) v = BigInt.asUintN(64, v << BigInt((w >>> 20) & 63));
    else throw new Error(`unexpected instruction 0x${w.toString(16)} in li`);
  }
  return v;
}

describe('li', () => {
  it('builds every constant, in at most 8 instructions', () => {
    const rng = new Rng(99);
    const values: bigint[] = [0n, 1n, -1n, 2047n, 2048n, -2048n, -2049n, 0x7fff_ffffn, 0x8000_0000n, -0x8000_0000n, 0xffff_ffffn,
      0x7fff_f800n, 0x7fff_f7ffn, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0x8000_0000_0000_0001n, 0x1_0000_0000n,
      0xdead_beef_cafe_f00dn, 0x8000_0000_0014_1105n, 0x1000_0000n, 0x10_0000n];
    for (let i = 0; i < 2000; i++) values.push(rng.next64());
    for (let b = 0; b < 64; b++) values.push(1n << BigInt(b), (1n << BigInt(b)) - 1n, -(1n << BigInt(b)));
    for (const v of values) {
      const seq = A.li(A.a0, v);
      expect(seq.length, `li 0x${v.toString(16)}`).toBeLessThanOrEqual(8);
      for (const w of seq) expect((w >>> 7) & 31).toBe(A.a0);
      expect(evalLi(seq), `li 0x${v.toString(16)}`).toBe(BigInt.asUintN(64, v));
    }
  });
});
