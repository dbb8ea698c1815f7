// The transformed instruction that htinst/mtinst report for a trap on an explicit memory access by
// a guest (privileged spec, "Transformed Instruction or Pseudoinstruction for mtinst or htinst"):
// the instruction with its address offset fields zeroed and rs1 replaced by the offset of the
// faulting address within the access; a compressed instruction is given as its 32-bit expansion
// with bit 1 cleared. A hypervisor can emulate the access from it without reading guest memory.
import { expandCompressed } from './rvc';

const OPCODE_LOAD: u32 = 0x03, OPCODE_STORE: u32 = 0x23, OPCODE_AMO: u32 = 0x2f, OPCODE_SYSTEM: u32 = 0x73;

/** htinst for an access by instruction `bits` (16 or 32 bits) that faulted `offset` bytes into its address; 0 when not a memory access. */
export function transformedInstruction(bits: u32, offset: u64): u64 {
  const compressed = (bits & 3) != 3;
  const insn = compressed ? expandCompressed(bits & 0xffff) : bits;
  if (insn == 0) return 0;
  let t: u32;
  switch (insn & 0x7f) {
    case OPCODE_LOAD: t = insn & 0x0000_7fff; break; // imm[11:0] and rs1 cleared
    case OPCODE_STORE: t = insn & 0x01f0_707f; break; // imm[11:5], imm[4:0] and rs1 cleared
    case OPCODE_AMO: t = insn & ~(<u32>0x1f << 15); break;
    case OPCODE_SYSTEM: // HLV/HSV
      if (((insn >> 12) & 7) != 4) return 0;
      t = insn & ~(<u32>0x1f << 15);
      break;
    default: return 0;
  }
  t |= (<u32>offset & 0x1f) << 15;
  return <u64>(compressed ? t & ~2 : t);
}
