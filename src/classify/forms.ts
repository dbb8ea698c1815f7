/**
 * The instruction forms the analyzer classifies: every operation of the opcode table
 * (spec/opcodes.mjs, through its generated binding) with fixed operands, and the CSR instructions
 * once per CSR the hart has, in the forms a program uses them (csrr, csrw, and the six opcodes
 * with a source that writes).
 */
import { OPCODES, type OpcodeInfo } from '../../bindings/gen/opcodes.js';
import { lookup } from '../isa/disasm.js';
import { csrName } from './csr-names.js';

/** Operand registers: rd = t0, rs1 = t1, rs2 = t2. */
export const RD = 5, RS1 = 6, RS2 = 7;
/** Immediates and offsets of the encoded forms (a load reads rs1 + 8, a store writes rs1 + 16, jumps go 0x40 ahead). */
export const LOAD_OFFSET = 8, STORE_OFFSET = 16, JUMP_OFFSET = 0x40;

/** What rs1 must point at for the form to do its work: the data page, the code page, or nothing in particular. */
export type Operand = 'data' | 'code' | 'value';

export interface Form {
  /** "addi", "sret", "csrr sstatus", "csrrsi satp", … */
  name: string;
  /** The CSR a CSR form names. */
  csr?: number;
  /** What rs1 holds. */
  rs1: Operand;
  /** The encodings tried: one per source operand for the CSR forms with an immediate, else one. */
  encodings: number[];
  /** Source values tried in rs1 for the CSR forms with a register source (the experiment adds its own). */
  sourced: boolean;
}

const MEMORY_FORMATS = new Set(['L', 'S', 'AMO', 'LR', 'HSV', 'FENCEVMA']);

/** The operand fields of a format, filled with the fixed operands. */
function operands(format: string): number {
  const rd = RD << 7, rs1 = RS1 << 15, rs2 = RS2 << 20;
  switch (format) {
    case 'R': case 'AMO': return rd | rs1 | rs2;
    case 'I': return rd | rs1 | (LOAD_OFFSET << 20);
    case 'L': return rd | rs1 | (LOAD_OFFSET << 20);
    case 'S': return rs1 | rs2 | ((STORE_OFFSET & 31) << 7) | ((STORE_OFFSET >> 5) << 25);
    case 'B': return rs1 | rs2 | (((JUMP_OFFSET >> 1) & 15) << 8) | (((JUMP_OFFSET >> 5) & 63) << 25);
    case 'U': return rd | (0x12345 << 12);
    case 'J': return rd | (((JUMP_OFFSET >> 1) & 0x3ff) << 21);
    case 'SH6': case 'SH5': return rd | rs1 | (3 << 20);
    case 'LR': return rd | rs1;
    case 'FENCEVMA': case 'HSV': return rs1 | rs2;
    case 'NONE': return 0;
  }
  throw new Error(`no operands known for format ${format}`);
}

/** Encodes an operation with its operands (bits the pattern fixes stay as it fixes them). */
function encode(op: OpcodeInfo, fields: number): number {
  const insn = ((fields & ~op.mask) | op.match) >>> 0;
  if (lookup(insn)?.name !== op.name) throw new Error(`encoding 0x${insn.toString(16)} of ${op.name} decodes as ${lookup(insn)?.name}`);
  return insn;
}

const byName = (name: string): OpcodeInfo => {
  const op = OPCODES.find((o) => o.name === name);
  if (!op) throw new Error(`no operation ${name} in the opcode table`);
  return op;
};

/** Every non-CSR operation of the table, once. */
export function plainForms(): Form[] {
  return OPCODES.filter((o) => !o.pseudo && o.format !== 'CSR' && o.format !== 'CSRI').map((o) => ({
    name: o.name,
    rs1: o.name === 'jalr' ? 'code' : MEMORY_FORMATS.has(o.format) ? 'data' : 'value',
    encodings: [encode(o, operands(o.format))],
    sourced: false,
  }));
}

/** Immediates tried by the CSR forms with an immediate source: all five bits, and bit 1 (sstatus.SIE, sip.SSIP). */
export const CSR_IMMEDIATES = [31, 2];

/** The CSR forms of one CSR. */
export function csrForms(csr: number): Form[] {
  const n = csrName(csr);
  const reg = (op: string, rd: number, rs1: number): number => encode(byName(op), (csr << 20) | (rs1 << 15) | (rd << 7));
  const form = (name: string, encodings: number[], sourced: boolean): Form => ({ name: `${name} ${n}`, csr, rs1: 'value', encodings, sourced });
  return [
    form('csrr', [reg('csrrs', RD, 0)], false),
    form('csrw', [reg('csrrw', 0, RS1)], true),
    form('csrrw', [reg('csrrw', RD, RS1)], true),
    form('csrrs', [reg('csrrs', RD, RS1)], true),
    form('csrrc', [reg('csrrc', RD, RS1)], true),
    ...['csrrwi', 'csrrsi', 'csrrci'].map((op) => form(op, CSR_IMMEDIATES.map((u) => reg(op, RD, u)), false)),
  ];
}
