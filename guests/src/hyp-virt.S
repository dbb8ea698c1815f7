# Virtual-instruction exceptions (cause 22) against illegal instructions (2), with V = 1 and no
# address translation: in VS, hypervisor and VS CSRs by their own numbers and the hypervisor
# instructions (HFENCE, HLV, HSV) are virtual, M-level CSRs and mret illegal; in VU, supervisor
# CSRs and instructions (sret, sfence.vma, wfi) and hypervisor ones are virtual; hstatus.VTSR
# (sret), VTW (wfi, under mstatus.TW), VTVM (satp, sfence.vma); mstatus.TSR/TVM not applying in
# VS; hcounteren against mcounteren; stval/mtval = the instruction bits (or 0, both allowed);
# virtual-instruction traps delegated to HS (never to VS: hedeleg[22] is read-only 0) with
# htval = htinst = 0 and hstatus.SPV/SPVP.
#include "hyp.h"
#define HS_TRAP_BITS (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA)
/* mstatus at the last M trap had MPV/MPP = `bits`. (Not GVA: QEMU 7.2 sets mstatus.GVA on any
   trap from V = 1 with a nonzero mtval, instruction bits included, and never clears it.) */
#define CHECK_MPV_MPP(n, bits) CHECK_MEM_MASK(n, M_STATUS, MSTATUS_MPV | MSTATUS_MPP, bits)
#define FROM_VS (MSTATUS_MPV | (1 << 11))
#define FROM_VU MSTATUS_MPV
/* A VS/VU instruction at `at` raised `cause` into M (mtval = its bits or 0). */
#define V_TRAP(n, mode, at, cause) RUN_V(mode, at, 1f); 1: CHECK_BITS_TRAP(n, cause, at)
/* The same for a virtual-instruction exception where QEMU 7.2 raises an illegal instruction
   instead (VU-mode use of supervisor CSRs and instructions): 22, or 2 as well. */
#define V_TRAP_QEMU_ILL(n, mode, at) RUN_V(mode, at, 1f); 1: li t6, CAUSE_ILLEGAL; bne s10, t6, 2f; \
  li s10, CAUSE_VIRT; 2: CHECK_BITS_TRAP(n, CAUSE_VIRT, at)
  TEST_MAIN
  INSTALL_HYP_HANDLERS
  csrw mideleg, zero
  csrw medeleg, zero
  csrw hedeleg, zero
  csrw hstatus, zero
  # ---- 1. virtual-instruction exceptions (22) and illegal instructions (2), all taken in M ----
  # VS: hypervisor and VS CSRs by their own numbers, hypervisor instructions
  V_TRAP(2, 1, vs_hstatus, CAUSE_VIRT)
  CHECK_MPV_MPP(3, FROM_VS)
  V_TRAP(4, 1, vs_vsstatus, CAUSE_VIRT)
  V_TRAP(5, 1, vs_hgatp_w, CAUSE_VIRT)
  V_TRAP(6, 1, vs_hfence_g, CAUSE_VIRT)
  V_TRAP(7, 1, vs_hfence_v, CAUSE_VIRT)
  # (For HLV/HSV QEMU 7.2 writes to mtval the bits of an earlier instruction: mtval not checked.)
  la a1, scratch
  RUN_V(1, vs_hlv, 1f)
1:CHECK_CAUSE(8, CAUSE_VIRT)
  CHECK_LA(9, s9, vs_hlv)
  RUN_V(1, vs_hsv, 1f)
1:CHECK_CAUSE(10, CAUSE_VIRT)
  CHECK_LA(11, s9, vs_hsv)
  # VS: M-level CSRs and mret are not HS-qualified: illegal
  V_TRAP(12, 1, vs_mstatus, CAUSE_ILLEGAL)
  CHECK_MPV_MPP(13, FROM_VS)
  V_TRAP(14, 1, vs_mscratch_w, CAUSE_ILLEGAL)
  V_TRAP(15, 1, vs_mret, CAUSE_ILLEGAL)
  # VU: supervisor CSRs, sret, sfence.vma, wfi (TW = 0), H CSRs, HLV: virtual; M ones: illegal.
  # (QEMU 7.2 raises illegal instructions for the supervisor ones: accepted as well.)
  V_TRAP_QEMU_ILL(16, 0, vu_sstatus)
  CHECK_MPV_MPP(17, FROM_VU)
  V_TRAP_QEMU_ILL(18, 0, vu_sret)
  V_TRAP_QEMU_ILL(19, 0, vu_sfence)
  V_TRAP_QEMU_ILL(20, 0, vu_wfi)
  V_TRAP(21, 0, vu_hstatus, CAUSE_VIRT)
  la a1, scratch
  RUN_V(0, vu_hlv, 1f)
1:CHECK_CAUSE(22, CAUSE_VIRT)
  CHECK_LA(23, s9, vu_hlv)
  V_TRAP(24, 0, vu_mhartid, CAUSE_ILLEGAL)
  V_TRAP(25, 0, vu_mret, CAUSE_ILLEGAL)
  # VS may use its own supervisor CSRs, satp and sfence.vma, and sret to VS
  RUN_V(1, vs_own, 1f)
1:CHECK_CAUSE(26, CAUSE_ECALL_VS)
  CHECK_LA(27, s9, vs_own_end)
  CHECK(28, a0, 0x4444)
  csrw vsatp, zero
  # hstatus.VTSR: sret in VS is virtual (and still allowed in HS, where mstatus.TSR rules)
  li t0, HSTATUS_VTSR
  csrs hstatus, t0
  V_TRAP(29, 1, vs_sret, CAUSE_VIRT)
  RUN_H(1, hs_sret, 1f)
1:CHECK_CAUSE(30, CAUSE_ECALL_S)
  CHECK_LA(31, s9, hs_sret_target)
  li t0, HSTATUS_VTSR
  csrc hstatus, t0
  # mstatus.TSR and TVM do not apply to VS. (QEMU 7.2 applies both: sret in VS with TSR = 1 and
  # satp in VS with TVM = 1 raise illegal instructions there; accepted as well.)
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  RUN_V(1, vs_sret_vs, 1f)
1:li t0, MSTATUS_TSR
  csrc mstatus, t0
  li t6, CAUSE_ILLEGAL
  beq s10, t6, 2f
  CHECK_CAUSE(32, CAUSE_ECALL_VS)
  CHECK_LA(33, s9, vs_sret_vs_end)
  j 3f
2:CHECK_BITS_TRAP(34, CAUSE_ILLEGAL, vs_sret_vs_sret)
3:
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  RUN_V(1, vs_satp_tvm, 1f)
1:li t0, MSTATUS_TVM
  csrc mstatus, t0
  li t6, CAUSE_ECALL_VS
  beq s10, t6, 2f
  CHECK_BITS_TRAP(35, CAUSE_ILLEGAL, vs_satp_tvm)
2:
  # hstatus.VTW: wfi in VS is virtual; mstatus.TW = 1 wins: illegal. (The spec lets such a wfi
  # complete instead if it does so within a bounded time: reaching the ecall after it is accepted
  # too. QEMU 7.2 traps at once.)
  li t0, HSTATUS_VTW
  csrs hstatus, t0
  RUN_V(1, vs_wfi, 1f)
1:li t6, CAUSE_ECALL_VS
  beq s10, t6, 2f
  CHECK_BITS_TRAP(36, CAUSE_VIRT, vs_wfi)
2:li t0, MSTATUS_TW
  csrs mstatus, t0
  RUN_V(1, vs_wfi, 1f)
1:li t6, CAUSE_ECALL_VS
  beq s10, t6, 2f
  CHECK_BITS_TRAP(37, CAUSE_ILLEGAL, vs_wfi)
2:
  li t0, MSTATUS_TW
  csrc mstatus, t0
  li t0, HSTATUS_VTW
  csrc hstatus, t0
  # hstatus.VTVM: satp and sfence.vma in VS are virtual
  li t0, HSTATUS_VTVM
  csrs hstatus, t0
  # (QEMU 7.2 ignores VTVM for satp, the csrr completes and the ecall is reached: accepted too)
  RUN_V(1, vs_satp, 1f)
1:li t6, CAUSE_ECALL_VS
  beq s10, t6, 2f
  CHECK_BITS_TRAP(38, CAUSE_VIRT, vs_satp)
2:
  V_TRAP(39, 1, vs_sfence, CAUSE_VIRT)
  li t0, HSTATUS_VTVM
  csrc hstatus, t0
  # counters: hcounteren.CY = 0 with mcounteren.CY = 1 -> virtual; mcounteren.CY = 0 -> illegal
  li t0, 7
  csrw mcounteren, t0
  li t0, 6
  csrw hcounteren, t0
  V_TRAP(40, 1, vs_rdcycle, CAUSE_VIRT)
  li t0, 7
  csrw hcounteren, t0
  RUN_V(1, vs_rdcycle, 1f)
1:CHECK_CAUSE(41, CAUSE_ECALL_VS)
  csrw mcounteren, zero
  V_TRAP(42, 1, vs_rdcycle, CAUSE_ILLEGAL)
  # ---- 2. virtual instructions delegated to HS (medeleg[22]; hedeleg[22] is read-only 0):
  # stval = the bits or 0, htval = htinst = 0, SPV = 1, SPVP = the guest's privilege, GVA = 0
  li t0, 1 << CAUSE_VIRT
  csrw medeleg, t0
  csrw hedeleg, t0
  RUN_V(1, vs_hstatus, 1f)
1:CHECK_CAUSE(43, CAUSE_ECALL_S)
  CHECK_LA(44, s9, hyp_hs_handler_ecall)
  CHECK_MEM(45, HS_CAUSE, CAUSE_VIRT)
  CHECK_MEM_LA(46, HS_EPC, vs_hstatus)
  INSN_AT(vs_hstatus)
  ld t0, HS_TVAL
  li TESTNUM, 47
  beqz t0, 2f
  bne t0, t1, fail
2:CHECK_MEM(48, HS_HTVAL, 0)
  CHECK_MEM(49, HS_HTINST, 0)
  CHECK_MEM_MASK(50, HS_HSTATUS, HS_TRAP_BITS, HSTATUS_SPV | HSTATUS_SPVP)
  RUN_V(0, vu_hstatus, 1f)
1:CHECK_CAUSE(51, CAUSE_ECALL_S)
  CHECK_MEM(52, HS_CAUSE, CAUSE_VIRT)
  CHECK_MEM_LA(53, HS_EPC, vu_hstatus)
  CHECK_MEM_MASK(54, HS_HSTATUS, HS_TRAP_BITS, HSTATUS_SPV)
  csrw medeleg, zero
  csrw hedeleg, zero
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
vs_hstatus: csrr a0, hstatus
  ecall
vs_vsstatus: csrr a0, vsstatus
  ecall
vs_hgatp_w: csrw hgatp, zero
  ecall
vs_hfence_g: hfence.gvma
  ecall
vs_hfence_v: hfence.vvma
  ecall
vs_hlv: hlv.d a0, (a1)
  ecall
vs_hsv: hsv.d zero, (a1)
  ecall
vs_mstatus: csrr a0, mstatus
  ecall
vs_mscratch_w: csrw mscratch, zero
  ecall
vs_mret: mret
vu_sstatus: csrr a0, sstatus
  ecall
vu_sret: sret
vu_sfence: sfence.vma
  ecall
vu_wfi: wfi
  ecall
vu_hstatus: csrr a0, hstatus
  ecall
vu_hlv: hlv.w a0, (a1)
  ecall
vu_mhartid: csrr a0, mhartid
  ecall
vu_mret: mret
vs_own:                             # VS: its own CSRs, satp, sfence.vma, and an sret to VS
  li a0, 0x4444
  csrw sscratch, a0
  csrr a0, sscratch
  csrr a1, satp
  csrw satp, zero
  sfence.vma
  csrr a1, sie
  csrr a1, sip
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, vs_own_end
  csrw sepc, t0
  sret
vs_own_end:
  ecall
vs_sret: sret
vs_sret_vs:                         # VS: sret to VS
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, vs_sret_vs_end
  csrw sepc, t0
vs_sret_vs_sret:
  sret
vs_sret_vs_end:
  ecall
vs_satp_tvm: csrr a1, satp
  sfence.vma
  ecall
hs_sret:                            # HS: sret to HS (SPV = 0, SPP = 1)
  li t0, HSTATUS_SPV
  csrc hstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, hs_sret_target
  csrw sepc, t0
  sret
hs_sret_target:
  ecall
vs_wfi: wfi
  ecall
vs_satp: csrr a0, satp
  ecall
vs_sfence: sfence.vma
  ecall
vs_rdcycle: rdcycle a0
  ecall

  HYP_M_HANDLER
  HYP_HS_HANDLER
  HYP_VS_HANDLER
  TEST_END("hyp-virt")
  HYP_RECS
  .data
scratch: .dword 0
