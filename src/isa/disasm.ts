/**
 * A disassembler driven by the same opcode table the core decodes with (bindings/gen/opcodes.ts).
 * Compressed instructions are shown as the instruction they expand to, marked with "c.".
 */
import { OPCODES, type OpcodeInfo } from '../../bindings/gen/opcodes.js';

const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

const REAL = OPCODES.filter((o) => !o.pseudo).sort((a, b) => popcount(b.mask) - popcount(a.mask));
function popcount(n: number): number { let c = 0; for (let x = n >>> 0; x; x >>>= 1) c += x & 1; return c; }

/** The table entry of a 32-bit instruction, or undefined for an illegal one. */
export function lookup(insn: number): OpcodeInfo | undefined {
  return REAL.find((o) => ((insn & o.mask) >>> 0) === o.match);
}

const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
const hex = (v: bigint | number) => (typeof v === 'bigint' && v < 0n ? '-0x' + (-v).toString(16) : (v < 0 ? '-0x' + (-v).toString(16) : '0x' + v.toString(16)));

/**
 * Disassembles one instruction at `pc`. `bits` holds 16 or 32 bits; `expand` maps a compressed
 * instruction to its 32-bit form (Machine.expandCompressed).
 */
export function disassemble(bits: number, pc: bigint, expand: (c: number) => number): string {
  const compressed = (bits & 3) !== 3;
  const insn = compressed ? expand(bits & 0xffff) : bits >>> 0;
  const op = insn ? lookup(insn) : undefined;
  if (!op) return compressed ? `.half ${hex(bits & 0xffff)}` : `.word ${hex(bits >>> 0)}`;
  const rd = ABI[(insn >>> 7) & 31], rs1 = ABI[(insn >>> 15) & 31], rs2 = ABI[(insn >>> 20) & 31];
  const immI = insn >> 20;
  const name = (compressed ? 'c.' : '') + op.name;
  switch (op.format) {
    case 'R': return `${name} ${rd}, ${rs1}, ${rs2}`;
    case 'I': return `${name} ${rd}, ${rs1}, ${immI}`;
    case 'L': return `${name} ${rd}, ${immI}(${rs1})`;
    case 'S': return `${name} ${rs2}, ${((insn >> 25) << 5) | ((insn >>> 7) & 31)}(${rs1})`;
    case 'B': {
      const imm = sext(((insn >>> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 63) << 5) | (((insn >>> 8) & 15) << 1), 13);
      return `${name} ${rs1}, ${rs2}, ${hex(pc + BigInt(imm))}`;
    }
    case 'U': return `${name} ${rd}, ${hex((insn >>> 12) & 0xfffff)}`;
    case 'J': {
      const imm = sext(((insn >>> 31) << 20) | (((insn >>> 12) & 255) << 12) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 1023) << 1), 21);
      return `${name} ${rd}, ${hex(pc + BigInt(imm))}`;
    }
    case 'SH6': return `${name} ${rd}, ${rs1}, ${(insn >>> 20) & 63}`;
    case 'SH5': return `${name} ${rd}, ${rs1}, ${(insn >>> 20) & 31}`;
    case 'CSR': return `${name} ${rd}, ${hex(insn >>> 20)}, ${rs1}`;
    case 'CSRI': return `${name} ${rd}, ${hex(insn >>> 20)}, ${(insn >>> 15) & 31}`;
    case 'AMO': return `${name} ${rd}, ${rs2}, (${rs1})`;
    case 'LR': return `${name} ${rd}, (${rs1})`;
    case 'FENCEVMA': return `${name} ${rs1}, ${rs2}`;
    case 'HSV': return `${name} ${rs2}, (${rs1})`;
    default: return name;
  }
}
