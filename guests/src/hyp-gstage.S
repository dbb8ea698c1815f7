# Two-stage address translation. M-mode builds Sv39x4 G-stage tables (hgatp, 16 KiB root) and
# Sv39 VS-stage tables (vsatp, held in guest-physical memory), then runs VS code:
# - vsatp = Bare: VS loads/stores/fetches go through the G-stage alone: an identity map of the
#   image, a 2 MiB superpage alias, and test pages at GPA 0x8800_0000 whose host pages differ from
#   their GPAs; guest-page faults (20/21/23) for an unmapped GPA, a page without U, a store to a
#   read-only page, a fetch from a non-X page, a GPA wider than 41 bits: taken in HS (medeleg)
#   with stval = the guest virtual address, htval = GPA >> 2, hstatus.GVA = SPV = 1, or in M with
#   mtval2 and mstatus.MPV/GVA; never delegated to VS (hedeleg bits 20-23 are read-only 0).
# - vsatp = Sv39: VA -> GPA -> HPA with three different addresses; VS-stage page faults (13/15)
#   to VS (hedeleg) or to HS (htval = 0, GVA = 1); a G-stage fault on the VS-stage walk itself
#   (htval = GPA of the PTE >> 2, htinst = 0x3000 or 0); a G-stage fault on the final GPA.
# - HFENCE.GVMA after a G-stage PTE change and HFENCE.VVMA after a VS-stage PTE change.
#include "hyp.h"
#define GPA_T      0x88000000         /* the test pages (gl0t) */
#define GPA_DATA   (GPA_T + 0x0000)   /* -> hpage_a, RW */
#define GPA_NONE   (GPA_T + 0x1000)   /* invalid */
#define GPA_RO     (GPA_T + 0x2000)   /* -> hpage_a, R */
#define GPA_NOU    (GPA_T + 0x3000)   /* -> hpage_a, RW without U */
#define GPA_XO     (GPA_T + 0x4000)   /* -> xcode, X only */
#define GPA_B      (GPA_T + 0x6000)   /* -> hpage_b, RW */
#define GPA_VSROOT (GPA_T + 0x10000)  /* -> vs_root */
#define GPA_VSL1   (GPA_T + 0x11000)  /* -> vs_l1 */
#define GPA_VSL0   (GPA_T + 0x12000)  /* -> vs_l0 */
#define GPA_HOLE   (GPA_T + 0x20000)  /* invalid: a VS page table "there" cannot be read */
#define G_RW  (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define G_RWX (G_RW | PTE_X)
#define VS_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define VA_T  0x40000000              /* VS-stage test pages: vs_l0 */
#define VA_WALKFAULT 0xc0000000       /* vs_root[3] points to GPA_HOLE */
#define GPF_DELEG ((1 << 20) | (1 << 21) | (1 << 23))
/* The guest-page fault went to HS (the HS handler's ecall ended in M) with scause `cause`,
   stval `tval`, htval `gpa` >> 2, SPV = GVA = 1. Checks n .. n+4. */
#define CHECK_HS_GPF(n, cause, tval, gpa) \
  CHECK_LA(n, s9, hyp_hs_handler_ecall); CHECK_MEM(n+1, HS_CAUSE, cause); CHECK_MEM(n+2, HS_TVAL, tval); \
  CHECK_MEM(n+3, HS_HTVAL, (gpa) >> 2); \
  CHECK_MEM_MASK(n+4, HS_HSTATUS, HSTATUS_SPV | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_GVA)
/* The same, where QEMU 7.2 reports a load guest-page fault (21) for a fault of the VS-stage
   walk whatever the original access (the spec: the original access type): 21 accepted too. */
#define CHECK_HS_GPF_WALK(n, cause, tval, gpa) \
  ld t0, HS_CAUSE; li t6, CAUSE_LOAD_GPF; bne t0, t6, 2f; li t0, cause; sd t0, HS_CAUSE, t6; \
  2: CHECK_HS_GPF(n, cause, tval, gpa)
/* gl0t[i] = PTE(label, flags) */
#define GMAP(i, lab, flags) la t1, lab; PTE(t1, flags, t0); sd t0, (i) * 8(s4)
  TEST_MAIN
  INSTALL_HYP_HANDLERS
  csrw medeleg, zero
  csrw hedeleg, zero
  # ---- G-stage tables ----
  la s1, groot
  la s2, gl1
  PTE(s2, PTE_V, t0)
  sd t0, 2 * 8(s1)                  # groot[2]: GPA 0x8000_0000.. -> gl1
  la s3, gl0
  PTE(s3, PTE_V, t0)
  sd t0, 0(s2)                      # gl1[0]: GPA 0x8000_0000..0x801f_ffff -> gl0
  li t1, 0x80000000                 # gl0: identity over the image (code, data, stack), RWX + U
  mv t2, s3
  li t3, 512
1:PTE(t1, G_RWX, t0)
  sd t0, 0(t2)
  li t0, 0x1000
  add t1, t1, t0
  addi t2, t2, 8
  addi t3, t3, -1
  bnez t3, 1b
  li t1, 0x80000000                 # gl1[1]: 2 MiB superpage, GPA 0x8020_0000 -> HPA 0x8000_0000
  PTE(t1, G_RWX, t0)
  sd t0, 8(s2)
  la s4, gl0t
  PTE(s4, PTE_V, t0)
  sd t0, 64 * 8(s2)                 # gl1[64]: GPA 0x8800_0000.. -> gl0t
  GMAP(0, hpage_a, G_RW)
  GMAP(2, hpage_a, PTE_V | PTE_R | PTE_U | PTE_A)
  GMAP(3, hpage_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  GMAP(4, xcode, PTE_V | PTE_X | PTE_U | PTE_A)
  GMAP(6, hpage_b, G_RW)
  GMAP(0x10, vs_root, G_RW)
  GMAP(0x11, vs_l1, G_RW)
  GMAP(0x12, vs_l0, G_RW)
  # ---- VS-stage tables (their PTEs hold guest physical addresses) ----
  la s5, vs_root
  li t1, 0x80000000
  PTE(t1, VS_RW | PTE_X, t0)
  sd t0, 2 * 8(s5)                  # VA 0x8000_0000.. -> GPA 0x8000_0000 (1 GiB, S-mode RWX)
  li t1, GPA_VSL1
  PTE(t1, PTE_V, t0)
  sd t0, 1 * 8(s5)                  # VA 0x4000_0000.. -> vs_l1
  li t1, GPA_HOLE
  PTE(t1, PTE_V, t0)
  sd t0, 3 * 8(s5)                  # VA 0xc000_0000.. -> a table at a GPA the G-stage lacks
  la s6, vs_l1
  li t1, GPA_VSL0
  PTE(t1, PTE_V, t0)
  sd t0, 0(s6)
  la s6, vs_l0
  li t1, GPA_DATA
  PTE(t1, VS_RW, t0)
  sd t0, 0(s6)                      # VA_T + 0x0000 -> GPA_DATA -> hpage_a
  li t1, GPA_NONE
  PTE(t1, VS_RW, t0)
  sd t0, 2 * 8(s6)                  # VA_T + 0x2000 -> GPA_NONE (G-stage fault)
  li t1, GPA_DATA
  PTE(t1, PTE_V | PTE_R | PTE_A, t0)
  sd t0, 3 * 8(s6)                  # VA_T + 0x3000 -> GPA_DATA, read-only (VA_T + 0x1000 invalid)
  la t0, hpage_a
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  la t0, hpage_b
  li t1, 0x0bbbbbbbbbbbbbbb
  sd t1, 0(t0)
  # ---- hgatp on: Sv39x4, VMID 0 ----
  srli t0, s1, 12
  li t1, HGATP_SV39X4
  or t0, t0, t1
  csrw hgatp, t0
  hfence.gvma
  csrw vsatp, zero
  # ==== vsatp = Bare: the G-stage alone ====
  # 1. VS reads GPA_DATA from hpage_a (GPA != HPA) and writes it; M sees the write in hpage_a
  li a1, GPA_DATA
  RUN_V(1, vs_load, 1f)
1:CHECK_CAUSE(2, CAUSE_ECALL_VS)
  CHECK(3, a0, 0x1122334455667788)
  li a1, GPA_DATA                   # vs_store writes a1 + 8
  li a2, 0x5a5a5a5a
  RUN_V(1, vs_store, 1f)
1:CHECK_CAUSE(4, CAUSE_ECALL_VS)
  CHECK_MEM(5, hpage_a + 8, 0x5a5a5a5a)
  # 2. the 2 MiB superpage alias reaches the same host page
  la a1, hpage_a
  li t0, 0x200000
  add a1, a1, t0
  RUN_V(1, vs_load, 1f)
1:CHECK(6, a0, 0x1122334455667788)
  # 3. VS code fetched through an execute-only G-stage page
  li a1, GPA_XO
  li a0, 0
  RUN_V(1, vs_jump, 1f)
1:CHECK_CAUSE(7, CAUSE_ECALL_VS)
  CHECK(8, a0, 0x77)
  li TESTNUM, 9
  li t0, GPA_XO + 4
  bne s9, t0, fail                  # mepc: the ecall at GPA_XO + 4
  # 4. guest-page faults taken in M: mtval = the guest virtual address, mtval2 = GPA >> 2,
  # MPV = 1, GVA = 1
  li a1, GPA_NONE + 0x18
  RUN_V(1, vs_load, 1f)
1:CHECK_CAUSE(10, CAUSE_LOAD_GPF)
  CHECK(11, s11, GPA_NONE + 0x18)
  CHECK_LA(12, s9, vs_load)
  CHECK_MEM(13, M_TVAL2, (GPA_NONE + 0x18) >> 2)
  CHECK_MEM_MASK(14, M_STATUS, MSTATUS_MPV | MSTATUS_GVA, MSTATUS_MPV | MSTATUS_GVA)
  # 5. the same faults delegated to HS (hedeleg cannot pass them on to VS)
  li t0, GPF_DELEG
  csrw medeleg, t0
  li t0, -1
  csrw hedeleg, t0
  li t0, HSTATUS_GVA
  csrc hstatus, t0
  li a1, GPA_NONE + 0x10            # load from an unmapped GPA
  RUN_V(1, vs_load, 1f)
1:CHECK_HS_GPF(15, CAUSE_LOAD_GPF, GPA_NONE + 0x10, GPA_NONE + 0x10)
  CHECK_MEM_LA(20, HS_EPC, vs_load)
  CHECK_MEM(21, VS_CAUSE, -1)
  li a1, GPA_NONE                   # store to it (stval/htval: the store address, a1 + 8)
  RUN_V(1, vs_store, 1f)
1:CHECK_HS_GPF(22, CAUSE_STORE_GPF, GPA_NONE + 8, GPA_NONE + 8)
  li a1, GPA_NONE                   # fetch from it
  RUN_V(1, vs_jump, 1f)
1:CHECK_HS_GPF(27, CAUSE_FETCH_GPF, GPA_NONE, GPA_NONE)
  CHECK_MEM(32, HS_EPC, GPA_NONE)
  li a1, GPA_RO                     # read-only page: loads work, stores fault
  RUN_V(1, vs_load, 1f)
1:CHECK_CAUSE(33, CAUSE_ECALL_VS)
  CHECK(34, a0, 0x1122334455667788)
  li a1, GPA_RO
  RUN_V(1, vs_store, 1f)
1:CHECK_HS_GPF(35, CAUSE_STORE_GPF, GPA_RO + 8, GPA_RO + 8)
  li a1, GPA_NOU + 0x20             # a G-stage leaf without U: every guest access faults
  RUN_V(1, vs_load, 1f)
1:CHECK_HS_GPF(40, CAUSE_LOAD_GPF, GPA_NOU + 0x20, GPA_NOU + 0x20)
  li a1, GPA_DATA                   # fetch from a G-stage page without X
  RUN_V(1, vs_jump, 1f)
1:CHECK_HS_GPF(45, CAUSE_FETCH_GPF, GPA_DATA, GPA_DATA)
  li a1, GPA_XO                     # load from an execute-only G-stage page
  RUN_V(1, vs_load, 1f)
1:CHECK_HS_GPF(50, CAUSE_LOAD_GPF, GPA_XO, GPA_XO)
  li a1, 1 << 41                    # beyond Sv39x4's 41-bit guest physical addresses
  RUN_V(1, vs_load, 1f)
  # (htval is WARL and need not hold a GPA beyond the implemented ones: 0 is accepted too)
1:ld t0, HS_HTVAL
  bnez t0, 2f
  li t0, (1 << 41) >> 2
  sd t0, HS_HTVAL, t6
2:CHECK_HS_GPF(55, CAUSE_LOAD_GPF, 1 << 41, 1 << 41)
  # 6. HFENCE.GVMA makes a changed G-stage PTE visible: GPA_DATA now maps hpage_b
  li a1, GPA_DATA
  RUN_V(1, vs_load, 1f)             # (cache the old translation, if the hart caches)
1:GMAP(0, hpage_b, G_RW)
  hfence.gvma
  li a1, GPA_DATA
  RUN_V(1, vs_load, 1f)
1:CHECK(60, a0, 0x0bbbbbbbbbbbbbbb)
  GMAP(0, hpage_a, G_RW)
  li t0, GPA_DATA >> 2
  hfence.gvma t0                    # by guest physical address (>> 2) ...
  li t0, 0
  hfence.gvma zero, t0              # ... and by VMID (0)
  RUN_V(1, vs_load, 1f)
1:CHECK(61, a0, 0x1122334455667788)
  # ==== vsatp = Sv39: two stages ====
  li t0, SATP_SV39 | (GPA_VSROOT >> 12)
  csrw vsatp, t0
  hfence.vvma
  csrw medeleg, zero
  csrw hedeleg, zero
  # 7. VA_T -> GPA_DATA -> hpage_a: three different addresses
  li a1, VA_T
  RUN_V(1, vs_load, 1f)
1:CHECK_CAUSE(62, CAUSE_ECALL_VS)
  CHECK(63, a0, 0x1122334455667788)
  li a1, VA_T + 0x10
  li a2, 0x600d
  RUN_V(1, vs_store, 1f)
1:CHECK_MEM(64, hpage_a + 0x18, 0x600d)
  # 8. VS-stage page faults: delegated to VS by hedeleg (vscause, vstval) ...
  li t0, (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF) | GPF_DELEG
  csrw medeleg, t0
  li t0, (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF)
  csrw hedeleg, t0
  li a1, VA_T + 0x1000              # invalid VS PTE
  RUN_V(1, vs_load, 1f)
1:CHECK_LA(65, s9, hyp_vs_handler_ecall)
  CHECK_MEM(66, VS_CAUSE, CAUSE_LOAD_PF)
  CHECK_MEM(67, VS_TVAL, VA_T + 0x1000)
  CHECK_MEM_LA(68, VS_EPC, vs_load)
  CHECK_MEM(69, HS_CAUSE, -1)
  li a1, VA_T + 0x3000              # store to a read-only VS page
  RUN_V(1, vs_store, 1f)
1:CHECK_MEM(70, VS_CAUSE, CAUSE_STORE_PF)
  CHECK_MEM(71, VS_TVAL, VA_T + 0x3008)
  # ... and to HS without hedeleg: stval = the guest VA, GVA = 1, htval = 0
  csrw hedeleg, zero
  li a1, VA_T + 0x1000
  RUN_V(1, vs_load, 1f)
1:CHECK_LA(72, s9, hyp_hs_handler_ecall)
  CHECK_MEM(73, HS_CAUSE, CAUSE_LOAD_PF)
  CHECK_MEM(74, HS_TVAL, VA_T + 0x1000)
  CHECK_MEM(75, HS_HTVAL, 0)
  CHECK_MEM_MASK(76, HS_HSTATUS, HSTATUS_SPV | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_GVA)
  # 9. the VS PTE is fine but its GPA is not mapped in the G-stage: htval = that GPA >> 2
  li a1, VA_T + 0x2010
  RUN_V(1, vs_load, 1f)
1:CHECK_HS_GPF(77, CAUSE_LOAD_GPF, VA_T + 0x2010, GPA_NONE + 0x10)
  # 10. the VS-stage walk itself reads a PTE at an unmapped GPA: a guest-page fault of the
  # original access type, htval = the PTE's GPA >> 2, and htinst = 0x3000 ("64-bit read for
  # VS-stage translation"), which the spec requires when htval is nonzero. QEMU 7.2 writes 0, and
  # reports stores and fetches as load guest-page faults (21): both accepted.
  li a1, VA_WALKFAULT
  RUN_V(1, vs_load, 1f)
1:CHECK_HS_GPF(82, CAUSE_LOAD_GPF, VA_WALKFAULT, GPA_HOLE)
  ld t0, HS_HTINST
  li TESTNUM, 87
  beqz t0, 2f
  li t6, 0x3000
  bne t0, t6, fail
2:li a1, VA_WALKFAULT - 8 + 0x1000 * 0x200 # VA 0xc020_0000: vs_root[3]'s table, entry 1
  RUN_V(1, vs_store, 1f)
1:CHECK_HS_GPF_WALK(88, CAUSE_STORE_GPF, VA_WALKFAULT + 0x200000, GPA_HOLE + 8)
  li a1, VA_WALKFAULT
  RUN_V(1, vs_jump, 1f)
1:CHECK_HS_GPF_WALK(93, CAUSE_FETCH_GPF, VA_WALKFAULT, GPA_HOLE)
  csrw medeleg, zero
  # 11. HFENCE.VVMA makes a changed VS PTE visible: VA_T now maps GPA_B -> hpage_b
  li a1, VA_T
  RUN_V(1, vs_load, 1f)
1:la s6, vs_l0
  li t1, GPA_B
  PTE(t1, VS_RW, t0)
  sd t0, 0(s6)
  hfence.vvma
  li a1, VA_T
  RUN_V(1, vs_load, 1f)
1:CHECK(98, a0, 0x0bbbbbbbbbbbbbbb)
  li t1, GPA_DATA
  PTE(t1, VS_RW, t0)
  sd t0, 0(s6)
  li t0, VA_T
  hfence.vvma t0                    # by guest virtual address
  li a1, VA_T
  RUN_V(1, vs_load, 1f)
1:CHECK(99, a0, 0x1122334455667788)
  csrw vsatp, zero
  csrw hgatp, zero
  hfence.gvma
  hfence.vvma
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
vs_load:
  ld a0, 0(a1)
  ecall
vs_store:
  sd a2, 8(a1)
  ecall
vs_jump:
  jr a1

  HYP_M_HANDLER
  HYP_HS_HANDLER
  HYP_VS_HANDLER
  TEST_END("hyp-gstage")

  .text
  .align 12
xcode:                              # runs in VS at GPA_XO (execute-only in the G-stage)
  li a0, 0x77
  ecall
  .align 12

  HYP_RECS
  .data
  .align 14
groot: .space 16384                 # Sv39x4 root: 2048 entries, 16 KiB aligned
gl1: .space 4096
gl0: .space 4096
gl0t: .space 4096
vs_root: .space 4096
vs_l1: .space 4096
vs_l0: .space 4096
hpage_a: .space 4096
hpage_b: .space 4096
