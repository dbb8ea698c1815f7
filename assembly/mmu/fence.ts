// SFENCE.VMA, HFENCE.VVMA and HFENCE.GVMA with their rs1/rs2 scoping, each flushing exactly the
// contexts the spec gives it: SFENCE.VMA at V=0 the host's translations; at V=1 (and HFENCE.VVMA)
// the current VM's guest translations; HFENCE.GVMA the guest translations of one VM or of all (the
// TLB holds combined GVA->HPA entries, which a guest-physical address cannot select: a GPA-scoped
// fence drops the whole VM, which the spec allows).
import {
  S_priv, S_virt, S_mstatus, S_hstatus, S_cnt_tlbFlushAll, S_cnt_tlbFlushAsid, S_cnt_tlbFlushPage,
  S_cnt_tlbFlushVvma, S_cnt_tlbFlushGvma,
} from '../gen/layout';
import {
  PRV_U, PRV_S, MSTATUS_TVM, HSTATUS_VTVM, HGATP_VMID_MASK, CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_VIRTUAL_INSTRUCTION, ST_RESYNC,
} from '../cpu/defs';
import { raise, inc64 } from '../state';
import { tlbFlush, ANY, CTX_VIRT, CTX_VM_MASK } from './tlb';
import { countVmidFlush } from './tlb-counters';
import { currentVmid } from './translate';

/** The context tag of the current VM's translations. */
@inline function currentVm(): u16 { return CTX_VIRT | <u16>currentVmid(); }

/** rs1 = x0 means every address, rs2 = x0 every address space (the register numbers decide, not the values). */
@inline function scope(reg: u32, value: u64, mask: u64): i64 { return reg == 0 ? ANY : <i64>(value & mask); }

export function sfenceVma(rs1: u32, rs2: u32, vaddr: u64, asid: u64, insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  const v = load<u64>(S_virt) != 0;
  if (v) {
    if (p == PRV_U || (load<u64>(S_hstatus) & HSTATUS_VTVM) != 0) return raise(CAUSE_VIRTUAL_INSTRUCTION, insn);
    tlbFlush(CTX_VM_MASK, currentVm(), scope(rs1, vaddr, u64.MAX_VALUE), scope(rs2, asid, 0xffff));
    inc64(S_cnt_tlbFlushVvma);
    countVmidFlush(currentVmid());
    return ST_RESYNC;
  }
  if (p == PRV_U || (p == PRV_S && (load<u64>(S_mstatus) & MSTATUS_TVM) != 0)) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  tlbFlush(CTX_VIRT, 0, scope(rs1, vaddr, u64.MAX_VALUE), scope(rs2, asid, 0xffff));
  inc64(rs1 != 0 ? S_cnt_tlbFlushPage : rs2 != 0 ? S_cnt_tlbFlushAsid : S_cnt_tlbFlushAll);
  return ST_RESYNC;
}

/** HFENCE.VVMA and HFENCE.GVMA: virtual instructions at V=1, illegal in U; GVMA also with mstatus.TVM in HS. */
export function hfence(gvma: bool, rs1: u32, rs2: u32, addr: u64, id: u64, insn: u32): i32 {
  const p = <i32>load<u64>(S_priv);
  if (load<u64>(S_virt) != 0) return raise(CAUSE_VIRTUAL_INSTRUCTION, insn);
  if (p == PRV_U || (gvma && p == PRV_S && (load<u64>(S_mstatus) & MSTATUS_TVM) != 0)) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  if (gvma) {
    if (rs2 == 0) {
      tlbFlush(CTX_VIRT, CTX_VIRT, ANY, ANY);
      for (let v: u64 = 0; v < 16; v++) countVmidFlush(v);
    } else {
      tlbFlush(CTX_VM_MASK, CTX_VIRT | <u16>(id & HGATP_VMID_MASK), ANY, ANY);
      countVmidFlush(id & HGATP_VMID_MASK);
    }
    inc64(S_cnt_tlbFlushGvma);
  } else {
    tlbFlush(CTX_VM_MASK, currentVm(), scope(rs1, addr, u64.MAX_VALUE), scope(rs2, id, 0xffff));
    inc64(S_cnt_tlbFlushVvma);
    countVmidFlush(currentVmid());
  }
  return ST_RESYNC;
}
