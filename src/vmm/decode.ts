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

/** A store's width and source register, from a 32-bit (already expanded) encoding; undefined if not a plain store. */
export function decodeStore(insn: number): { size: number; rs2: number } | undefined {
  if ((insn & 0x7f) !== 0x23) return undefined;
  const funct3 = (insn >>> 12) & 7;
  if (funct3 > 3) return undefined;
  return { size: 1 << funct3, rs2: (insn >>> 20) & 31 };
}
