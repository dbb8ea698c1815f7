/**
 * A guest instruction as the translator sees it: its operation (from the one opcode table), its
 * operand fields, its length in guest memory (a compressed instruction is expanded first).
 */
import { lookup } from '../isa/disasm.js';

export interface GuestInsn {
  /** The 32-bit encoding (compressed ones expanded), 0 for an illegal instruction. */
  bits: number;
  /** The bits as they are in guest memory (16 or 32), for the trap value of an illegal instruction. */
  raw: number;
  /** Bytes it occupies in guest memory: 2 or 4. */
  length: number;
  /** Operation name from the opcode table, or undefined when illegal. */
  name?: string;
  format?: string;
  rd: number;
  rs1: number;
  rs2: number;
  funct3: number;
  /** The I-, S-, B-, U- or J-type immediate, by format (U: already shifted left by 12). */
  imm: bigint;
  /** CSR number (CSR formats). */
  csr: number;
}

const sext = (v: number, bits: number): bigint => BigInt.asIntN(bits, BigInt(v >>> 0));

function immediate(bits: number, format: string | undefined): bigint {
  switch (format) {
    case 'I': case 'L': return sext(bits >>> 20, 12);
    case 'S': return sext(((bits >>> 25) << 5) | ((bits >>> 7) & 31), 12);
    case 'B': return sext(((bits >>> 31) << 12) | (((bits >>> 7) & 1) << 11) | (((bits >>> 25) & 63) << 5) | (((bits >>> 8) & 15) << 1), 13);
    case 'U': return BigInt.asIntN(64, BigInt.asIntN(32, BigInt((bits & 0xfffff000) >>> 0)));
    case 'J': return sext(((bits >>> 31) << 20) | (((bits >>> 12) & 255) << 12) | (((bits >>> 20) & 1) << 11) | (((bits >>> 21) & 1023) << 1), 21);
    case 'SH6': return BigInt((bits >>> 20) & 63);
    case 'SH5': return BigInt((bits >>> 20) & 31);
  }
  return 0n;
}

/** Decodes the instruction whose low 16 bits are `lo` (and, for a 32-bit one, `hi`); `expand` is the core's RVC expander. */
export function decodeGuest(raw: number, expand: (c: number) => number): GuestInsn {
  const length = (raw & 3) === 3 ? 4 : 2;
  const bits = length === 4 ? raw >>> 0 : expand(raw & 0xffff) >>> 0;
  const op = bits === 0 ? undefined : lookup(bits);
  return {
    bits, raw: length === 4 ? raw >>> 0 : raw & 0xffff, length, name: op?.name, format: op?.format,
    rd: (bits >>> 7) & 31, rs1: (bits >>> 15) & 31, rs2: (bits >>> 20) & 31, funct3: (bits >>> 12) & 7,
    imm: immediate(bits, op?.format), csr: bits >>> 20,
  };
}
