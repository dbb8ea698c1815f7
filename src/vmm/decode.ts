/**
 * Decoding the few instructions a VMM emulates, from the bits in the exit record: CSR accesses,
 * SRET/WFI/SFENCE.VMA, stores (to emulate a write to a write-protected page-table page) and loads
 * (to emulate a device register read).
 */
export type Privileged =
  | { kind: 'csr'; csr: number; op: 'rw' | 'rs' | 'rc'; rd: number; src: { reg: number } | { imm: bigint } }
  | { kind: 'sret' } | { kind: 'wfi' } | { kind: 'sfence' } | { kind: 'other' };

const CSR_OPS = ['rw', 'rs', 'rc'] as const;

/** The privileged instruction a 32-bit word is, if any. */
export function decodePrivileged(insn: number): Privileged {
  if ((insn & 0x7f) !== 0x73) return { kind: 'other' };
  const funct3 = (insn >>> 12) & 7;
  const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31;
  if (funct3 === 0) {
    if (insn >>> 0 === 0x10200073) return { kind: 'sret' };
    if (insn >>> 0 === 0x10500073) return { kind: 'wfi' };
    if (insn >>> 25 === 0x09 && rd === 0) return { kind: 'sfence' };
    return { kind: 'other' };
  }
  if (funct3 === 4) return { kind: 'other' };
  const op = CSR_OPS[(funct3 & 3) - 1];
  return { kind: 'csr', csr: insn >>> 20, op, rd, src: funct3 >= 5 ? { imm: BigInt(rs1) } : { reg: rs1 } };
}

export type CsrAccess = Extract<Privileged, { kind: 'csr' }>;

/**
 * What a CSR instruction writes, given the CSR's old value and the register file: undefined when it
 * only reads (CSRRS/CSRRC with rs1 = x0 or a zero immediate).
 */
export function csrNewValue(insn: CsrAccess, old: bigint, reg: (i: number) => bigint): bigint | undefined {
  const src = 'imm' in insn.src ? insn.src.imm : reg(insn.src.reg);
  const writes = insn.op === 'rw' || ('reg' in insn.src ? insn.src.reg !== 0 : insn.src.imm !== 0n);
  if (!writes) return undefined;
  return insn.op === 'rw' ? src : insn.op === 'rs' ? old | src : old & ~src;
}

/** A store's width, base and source registers and offset, from a 32-bit (already expanded) encoding; undefined if not a plain store. */
export function decodeStore(insn: number): { size: number; rs1: number; rs2: number; imm: bigint } | undefined {
  if ((insn & 0x7f) !== 0x23) return undefined;
  const funct3 = (insn >>> 12) & 7;
  if (funct3 > 3) return undefined;
  const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31); // sign-extended from bit 31
  return { size: 1 << funct3, rs1: (insn >>> 15) & 31, rs2: (insn >>> 20) & 31, imm: BigInt(imm) };
}

/** A load's width, signedness and destination, from a 32-bit (already expanded) encoding; undefined if not a plain load. */
export function decodeLoad(insn: number): { size: number; signed: boolean; rd: number } | undefined {
  if ((insn & 0x7f) !== 0x03) return undefined;
  const funct3 = (insn >>> 12) & 7;
  if (funct3 === 7) return undefined;
  return { size: 1 << (funct3 & 3), signed: funct3 < 4, rd: (insn >>> 7) & 31 };
}

/**
 * The virtual address a load, store or AMO (32-bit encoding) accesses: rs1 plus the immediate
 * (none for AMOs); undefined for other instructions.
 */
export function memoryOperandVa(insn: number, reg: (i: number) => bigint): bigint | undefined {
  const opcode = insn & 0x7f, rs1 = reg((insn >>> 15) & 31);
  if (opcode === 0x03) return BigInt.asUintN(64, rs1 + BigInt(insn >> 20));
  if (opcode === 0x23) return BigInt.asUintN(64, rs1 + BigInt(((insn >> 25) << 5) | ((insn >>> 7) & 31)));
  if (opcode === 0x2f) return rs1;
  return undefined;
}

/** The AMO operations (funct5) the A extension defines, SC (0x03) included, LR (0x02) not. */
const AMO_OPS = new Set([0x00, 0x01, 0x03, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c]);

/** An AMO or SC (opcode 0x2f, not LR): width, address, destination and source registers, and the operation. */
export function decodeAmo(insn: number): { size: number; rd: number; rs1: number; rs2: number; funct5: number } | undefined {
  if ((insn & 0x7f) !== 0x2f) return undefined;
  const funct3 = (insn >>> 12) & 7, funct5 = insn >>> 27;
  if ((funct3 !== 2 && funct3 !== 3) || !AMO_OPS.has(funct5)) return undefined;
  return { size: funct3 === 2 ? 4 : 8, rd: (insn >>> 7) & 31, rs1: (insn >>> 15) & 31, rs2: (insn >>> 20) & 31, funct5 };
}

/** The value an AMO stores (SC stores its source): operands and result as the instruction's width, signed where it compares signed. */
export function amoResult(funct5: number, size: number, old: bigint, src: bigint): bigint {
  const bits = BigInt(size * 8);
  const u = (v: bigint) => BigInt.asUintN(Number(bits), v), sgn = (v: bigint) => BigInt.asIntN(Number(bits), v);
  switch (funct5) {
    case 0x00: return u(old + src);
    case 0x01: case 0x03: return u(src); // AMOSWAP, SC
    case 0x04: return u(old ^ src);
    case 0x08: return u(old | src);
    case 0x0c: return u(old & src);
    case 0x10: return sgn(old) < sgn(src) ? u(old) : u(src);
    case 0x14: return sgn(old) > sgn(src) ? u(old) : u(src);
    case 0x18: return u(old) < u(src) ? u(old) : u(src);
    case 0x1c: return u(old) > u(src) ? u(old) : u(src);
  }
  throw new Error(`not an AMO: funct5 ${funct5}`);
}
