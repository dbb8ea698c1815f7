// SFENCE.VMA with its rs1/rs2 scoping: everything, one address space (global entries stay), one
// page in every address space, or one page in one address space.
import { S_priv, S_mstatus, S_satp, S_cnt_tlbFlushAll, S_cnt_tlbFlushAsid, S_cnt_tlbFlushPage } from '../gen/layout';
import { PRV_U, PRV_S, MSTATUS_TVM, CAUSE_ILLEGAL_INSTRUCTION, ST_RESYNC } from '../cpu/defs';
import { raise, inc64 } from '../state';
import { tlbFlushAll, tlbFlushAsid, tlbFlushPage } from './tlb';

export function sfenceVma(rs1: u32, rs2: u32, vaddr: u64, asid: u64, insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  if (p == PRV_U || (p == PRV_S && (load<u64>(S_mstatus) & MSTATUS_TVM) != 0)) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  const mode = <i32>(load<u64>(S_satp) >> 60);
  const levels = mode == 0 ? 3 : mode - 5;
  if (rs1 == 0 && rs2 == 0) { tlbFlushAll(); inc64(S_cnt_tlbFlushAll); }
  else if (rs1 == 0) { tlbFlushAsid(<u32>(asid & 0xffff), levels); inc64(S_cnt_tlbFlushAsid); }
  else { tlbFlushPage(vaddr, <u32>(asid & 0xffff), rs2 == 0, levels); inc64(S_cnt_tlbFlushPage); }
  return ST_RESYNC;
}
