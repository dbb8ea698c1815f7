# Virtual-supervisor interrupts: hvip raising VS-level software/timer/external interrupts; with
# hideleg they reach the guest (vstvec, vscause 1/5/9 with the interrupt bit, vsepc,
# vsstatus.SPP/SPIE) only while V = 1, only with vsstatus.SIE in VS (always in VU), never in HS or
# U (V = 0); without hideleg they go to HS (scause 2, with hie), preempting VS whatever
# sstatus.SIE; HS-level interrupts preempt VS too; vsip.SSIP is hvip.VSSIP, also from inside the
# guest; the time CSR in VS reads mtime + htimedelta, and traps (virtual instruction) without
# hcounteren.TM.
#include "hyp.h"
#define CLINT_MTIME 0x200bff8
#define DELTA 0x1000000000000000
  TEST_MAIN
  INSTALL_HYP_HANDLERS
  csrw medeleg, zero
  csrw hedeleg, zero
  li t0, IRQ_STI | IRQ_SSI | IRQ_SEI
  csrw mideleg, t0                  # (the VS bits are read-only one; QEMU 7.2 sets them on a write)
  csrw mie, zero
  csrw hvip, zero
  # ---- 1. hideleg[2], hvip.VSSIP, vsie.SSIE, vsstatus.SIE: the guest takes a supervisor
  # software interrupt at vstvec, before its first instruction
  li t0, IRQ_VSSI
  csrw hideleg, t0
  li t0, IRQ_SSI
  csrw vsie, t0                     # = hie.VSSIE
  csrr a0, hie
  CHECK(2, a0, IRQ_VSSI)
  li t0, IRQ_VSSI
  csrw hvip, t0
  csrr a0, vsip                     # vsip.SSIP shows hvip.VSSIP
  CHECK(3, a0, IRQ_SSI)
  li t0, MSTATUS_SIE | MSTATUS_SPP  # SIE = 1; SPP = 0 must become 1 (from VS)
  csrw vsstatus, t0
  RUN_V(1, vs_wait, 1f)
1:CHECK_CAUSE(4, CAUSE_ECALL_VS)
  CHECK_LA(5, s9, hyp_vs_handler_ecall)
  CHECK_MEM(6, VS_CAUSE, INTR | 1)
  CHECK_MEM_LA(7, VS_EPC, vs_wait)
  CHECK_MEM(8, VS_TVAL, 0)
  CHECK_MEM_MASK(9, VS_STATUS, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE | MSTATUS_SPP)
  CHECK_MEM(10, HS_CAUSE, -1)
  # ---- 2. with vsstatus.SIE = 0 it stays pending in VS; the guest sees it in sip and clears it
  li t0, MSTATUS_SPP
  csrw vsstatus, t0
  RUN_V(1, vs_sip, 1f)
1:CHECK_CAUSE(11, CAUSE_ECALL_VS)
  CHECK_LA(12, s9, vs_sip_end)
  CHECK_MASK(13, a0, IRQ_SSI | IRQ_STI | IRQ_SEI, IRQ_SSI)
  csrr a0, hvip
  CHECK(14, a0, 0)                  # cleared through the guest's sip
  # ---- 3. in VU the VS interrupt is taken whatever vsstatus.SIE (VS is more privileged) ----
  li t0, IRQ_VSSI
  csrw hvip, t0
  li t0, MSTATUS_SPP
  csrw vsstatus, t0
  RUN_V(0, vs_wait, 1f)
1:CHECK_LA(15, s9, hyp_vs_handler_ecall)
  CHECK_MEM(16, VS_CAUSE, INTR | 1)
  CHECK_MEM_MASK(17, VS_STATUS, MSTATUS_SPP, 0)
  # ---- 4. never taken while V = 0: not in HS (even with sstatus.SIE), not in U ----
  csrsi sstatus, MSTATUS_SIE
  RUN_H(1, vs_wait, 1f)
1:CHECK_CAUSE(18, CAUSE_ECALL_S)
  CHECK_LA(19, s9, vs_wait_end)
  CHECK_MEM(20, HS_CAUSE, -1)
  RUN_H(0, vs_wait, 1f)
1:CHECK_CAUSE(21, CAUSE_ECALL_U)
  CHECK_LA(22, s9, vs_wait_end)
  csrci sstatus, MSTATUS_SIE
  # ---- 5. hideleg[2] clear: the same interrupt goes to HS (scause 2), preempting VS and VU
  # whatever sstatus.SIE and vsstatus.SIE; vsip.SSIP reads 0
  csrw hideleg, zero
  li t0, IRQ_VSSI
  csrw hie, t0
  csrr a0, vsip
  CHECK(23, a0, 0)
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  RUN_V(1, vs_wait, 1f)
1:CHECK_LA(24, s9, hyp_hs_handler_ecall)
  CHECK_MEM(25, HS_CAUSE, INTR | 2)
  CHECK_MEM_LA(26, HS_EPC, vs_wait)
  CHECK_MEM_MASK(27, HS_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP)
  CHECK_MEM(28, VS_CAUSE, -1)
  RUN_V(0, vs_wait, 1f)
1:CHECK_MEM(29, HS_CAUSE, INTR | 2)
  CHECK_MEM_MASK(30, HS_HSTATUS, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV)
  # in HS it waits for sstatus.SIE
  RUN_H(1, hs_sie, 1f)
1:CHECK_LA(31, s9, hyp_hs_handler_ecall)
  CHECK_MEM(32, HS_CAUSE, INTR | 2)
  CHECK_MEM_LA(33, HS_EPC, hs_sie_on)   # the instruction after the csrsi
  CHECK_MEM_MASK(34, HS_HSTATUS, HSTATUS_SPV, 0)
  csrw hvip, zero
  csrw hie, zero
  # ---- 6. VS timer (hvip.VSTIP -> vscause 5) and VS external (hvip.VSEIP -> vscause 9) ----
  li t0, IRQ_VSTI | IRQ_VSEI
  csrw hideleg, t0
  li t0, IRQ_STI
  csrw vsie, t0
  li t0, IRQ_VSTI
  csrw hvip, t0
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  RUN_V(1, vs_wait, 1f)
1:CHECK_LA(35, s9, hyp_vs_handler_ecall)
  CHECK_MEM(36, VS_CAUSE, INTR | 5)
  CHECK_MEM_LA(37, VS_EPC, vs_wait)
  csrw hvip, zero
  li t0, IRQ_SEI
  csrw vsie, t0
  li t0, IRQ_VSEI
  csrw hvip, t0
  li t0, MSTATUS_SIE                # (the timer trap moved SIE to SPIE)
  csrw vsstatus, t0
  RUN_V(1, vs_wait, 1f)
1:CHECK_LA(38, s9, hyp_vs_handler_ecall)
  CHECK_MEM(39, VS_CAUSE, INTR | 9)
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  # ---- 7. an HS interrupt (STIP raised by M, delegated by mideleg) preempts VS with
  # sstatus.SIE = 0 and the VS one disabled
  li t0, IRQ_STI
  csrs mie, t0
  csrs mip, t0
  csrci sstatus, MSTATUS_SIE
  RUN_V(1, vs_wait, 1f)
1:li t0, IRQ_STI
  csrc mip, t0
  csrc mie, t0
  CHECK_LA(40, s9, hyp_hs_handler_ecall)
  CHECK_MEM(41, HS_CAUSE, INTR | 5)
  CHECK_MEM_LA(42, HS_EPC, vs_wait)
  CHECK_MEM_MASK(43, HS_HSTATUS, HSTATUS_SPV, HSTATUS_SPV)
  # ---- 8. time in VS = mtime + htimedelta ----
  li t0, 7
  csrw mcounteren, t0
  csrw hcounteren, t0
  li t0, DELTA
  csrw htimedelta, t0
  li t0, CLINT_MTIME
  ld s2, 0(t0)
  RUN_V(1, vs_time, 1f)
1:li t0, CLINT_MTIME
  ld s3, 0(t0)
  CHECK_CAUSE(44, CAUSE_ECALL_VS)
  li t0, DELTA
  sub a1, a0, t0
  li TESTNUM, 45
  bltu a1, s2, fail                 # mtime before <= time - delta <= mtime after
  bltu s3, a1, fail
  rdtime a2                         # M (V = 0) sees the plain time
  li TESTNUM, 46
  bgeu a2, t0, fail
  sub t0, zero, s2                  # a "negative" delta: the guest's time starts near 0
  csrw htimedelta, t0
  li t0, 7
  csrw scounteren, t0
  RUN_V(0, vs_time, 1f)             # (from VU this time, which needs scounteren.TM as well)
1:li t0, CLINT_MTIME
  ld s3, 0(t0)
  CHECK_CAUSE(47, CAUSE_ECALL_U)
  sub s3, s3, s2
  li TESTNUM, 48
  bltu s3, a0, fail                 # 0 <= time <= elapsed
  # hcounteren.TM = 0 (mcounteren.TM = 1): time in VS is a virtual instruction
  csrw hcounteren, zero
  RUN_V(1, vs_time, 1f)
1:CHECK_BITS_TRAP(49, CAUSE_VIRT, vs_time)
  csrw htimedelta, zero
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
vs_wait:                            # waits a while for an interrupt, then gives up with ecall
  li t0, 20000
1:addi t0, t0, -1
  bnez t0, 1b
vs_wait_end:
  ecall
vs_sip:                             # VS: read sip, clear SSIP through it
  csrr a0, sip
  li t0, IRQ_SSI
  csrc sip, t0
vs_sip_end:
  ecall
hs_sie:                             # HS: enable interrupts, then wait
  csrsi sstatus, MSTATUS_SIE
hs_sie_on:
  j vs_wait
vs_time:
  rdtime a0
  ecall

  HYP_M_HANDLER
  HYP_HS_HANDLER
  HYP_VS_HANDLER
  TEST_END("hyp-irq")
  HYP_RECS
