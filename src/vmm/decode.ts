/**
 * Decoding the few instructions a VMM emulates, from the bits in the exit record: CSR accesses,
 * SRET/WFI/SFENCE.VMA, and stores (to emulate a write to a write-protected page-table page).
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

/** A store's width and source register, from a 32-bit (already expanded) encoding; undefined if not a plain store. */
export function decodeStore(insn: number): { size: number; rs2: number } | undefined {
  if ((insn & 0x7f) !== 0x23) return undefined;
  const funct3 = (insn >>> 12) & 7;
  if (funct3 > 3) return undefined;
  return { size: 1 << funct3, rs2: (insn >>> 20) & 31 };
}
