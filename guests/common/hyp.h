/* Helpers for the hypervisor-extension guests (src/hyp-*.S), on top of test.h.

   Every guest starts in M-mode and runs its code in HS, U, VS or VU. Three trap handlers record
   what a trap did, so that M-mode can check it afterwards:
   - M (mtvec, HYP_M_HANDLER): mcause -> s10, mtval -> s11, mepc -> s9, s8 counts traps, and
     mstatus, mtval2, mtinst into m_rec; then returns to M-mode at the continuation in s7, with
     MPP = M and MPV = 0 (so a later mret lands in M, not in a guest).
   - HS (stvec, HYP_HS_HANDLER): scause, stval, sepc, htval, htinst, hstatus, sstatus into hs_rec,
     then an ecall (cause 9, never delegated here) takes it to the M handler.
   - VS (vstvec, HYP_VS_HANDLER): runs with V = 1; the CSR names scause/stval/sepc/sstatus reach
     vscause/vstval/vsepc/vsstatus. It records them in vs_rec, then an ecall (cause 10) takes it
     to M (or to HS if medeleg[10] is set). The M handler's mepc = hyp_vs_handler_ecall and
     mstatus.MPV = 1 then prove the VS handler ran with V = 1.
   Handlers clobber t4 and t5 only. The records live in their own page (HYP_RECS) and must be
   mapped (G-stage, VS-stage) wherever the VS handler runs. RUN_V/RUN_H set the causes in the
   records to -1 first, so a stale record is never mistaken for a new trap. */
#include "test.h"
  .option arch, +h
#ifdef HYP_DEBUG
/* Debug builds (-DHYP_DEBUG) print the wrong value of a failing CHECK before "FAIL n". */
#undef CHECK
#define CHECK(n, reg, value) li TESTNUM, n; li t6, value; beq reg, t6, 7f; mv a0, reg; call puthex; \
  li a0, 10; call putchar_; j fail; 7:
#undef CHECK_CAUSE
#define CHECK_CAUSE(n, cause) CHECK(n, s10, cause)
#endif

#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)
#define MSTATUS_TVM  (1 << 20)
#define MSTATUS_TW   (1 << 21)
#define MSTATUS_TSR  (1 << 22)
#define MSTATUS_GVA  (1 << 38)
#define MSTATUS_MPV  (1 << 39)

#define HSTATUS_VSBE (1 << 5)
#define HSTATUS_GVA  (1 << 6)
#define HSTATUS_SPV  (1 << 7)
#define HSTATUS_SPVP (1 << 8)
#define HSTATUS_HU   (1 << 9)
#define HSTATUS_VTVM (1 << 20)
#define HSTATUS_VTW  (1 << 21)
#define HSTATUS_VTSR (1 << 22)
#define HSTATUS_VSXL (3 << 32)

/* Interrupt bits (mip/mie/hip/hie/hvip) and causes. */
#define IRQ_SSI   (1 << 1)
#define IRQ_VSSI  (1 << 2)
#define IRQ_STI   (1 << 5)
#define IRQ_VSTI  (1 << 6)
#define IRQ_SEI   (1 << 9)
#define IRQ_VSEI  (1 << 10)
#define IRQ_SGEI  (1 << 12)
#define INTR      (1 << 63)

#define CAUSE_ILLEGAL 2
#define CAUSE_BREAK 3
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_VS 10
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PF 12
#define CAUSE_LOAD_PF 13
#define CAUSE_STORE_PF 15
#define CAUSE_FETCH_GPF 20
#define CAUSE_LOAD_GPF 21
#define CAUSE_VIRT 22
#define CAUSE_STORE_GPF 23

/* hgatp/satp modes (already shifted to bits 63:60) */
#define SATP_SV39 (8 << 60)
#define HGATP_SV39X4 (8 << 60)
#define HGATP_SV48X4 (9 << 60)

/* Record layouts (byte offsets). */
#define M_STATUS m_rec+0
#define M_TVAL2  m_rec+8
#define M_TINST  m_rec+16
#define HS_CAUSE  hs_rec+0
#define HS_TVAL   hs_rec+8
#define HS_EPC    hs_rec+16
#define HS_HTVAL  hs_rec+24
#define HS_HTINST hs_rec+32
#define HS_HSTATUS hs_rec+40
#define HS_SSTATUS hs_rec+48
#define VS_CAUSE  vs_rec+0
#define VS_TVAL   vs_rec+8
#define VS_EPC    vs_rec+16
#define VS_STATUS vs_rec+24

/* The dword at `addr` (a symbol expression) equals `value` / the address of label `lab`. */
#define CHECK_MEM(n, addr, value) ld t0, addr; CHECK(n, t0, value)
#define CHECK_MEM_LA(n, addr, lab) li TESTNUM, n; ld t0, addr; la t6, lab; bne t0, t6, fail
/* (dword at addr) & mask == value */
#define CHECK_MEM_MASK(n, addr, mask, value) ld t0, addr; li t1, mask; and t0, t0, t1; CHECK(n, t0, value)
/* reg == the address of label `lab` */
#define CHECK_LA(n, reg, lab) li TESTNUM, n; la t6, lab; bne reg, t6, fail
/* reg & mask == value */
#define CHECK_MASK(n, reg, mask, value) li t1, mask; and t0, reg, t1; CHECK(n, t0, value)
/* t1 = the 32-bit instruction word at label `at` (two halves: it may be 2-byte aligned). */
#define INSN_AT(at) la t0, at; lhu t1, 0(t0); lhu t2, 2(t0); slli t2, t2, 16; or t1, t1, t2
/* The last M trap was `cause` at label `at`, with mtval = the instruction bits or 0 (QEMU 7.2
   writes the bits for both illegal and virtual instructions; the spec allows 0 too). */
#define CHECK_BITS_TRAP(n, cause, at) INSN_AT(at); li TESTNUM, n; beqz s11, 1f; bne s11, t1, fail; \
  1: li t6, cause; bne s10, t6, fail; la t6, at; bne s9, t6, fail

#ifdef HYP_MUT
/* Mutation builds (-DHYP_MUT=n, for checking the checks): check n expects a wrong value. */
#undef CHECK
#define CHECK(n, reg, value) li TESTNUM, n; li t6, (value) + ((n) == HYP_MUT); bne reg, t6, fail
#undef CHECK_CAUSE
#define CHECK_CAUSE(n, cause) CHECK(n, s10, cause)
#undef CHECK_LA
#define CHECK_LA(n, reg, lab) li TESTNUM, n; la t6, lab; addi t6, t6, ((n) == HYP_MUT); bne reg, t6, fail
#undef CHECK_MEM_LA
#define CHECK_MEM_LA(n, addr, lab) ld t0, addr; CHECK_LA(n, t0, lab)
#undef CHECK_BITS_TRAP
#define CHECK_BITS_TRAP(n, cause, at) INSN_AT(at); li TESTNUM, n; beqz s11, 1f; bne s11, t1, fail; \
  1: li t6, (cause) + ((n) == HYP_MUT); bne s10, t6, fail; la t6, at; bne s9, t6, fail
#endif

#define RESET_RECS li t4, -1; la t5, hs_rec; sd t4, 0(t5); la t5, vs_rec; sd t4, 0(t5)

/* Runs `code` in VS (mode 1) or VU (mode 0), entered by an mret with MPV = 1; any trap that
   reaches M comes back to `cont`. */
#define RUN_V(mode, code, cont) \
  RESET_RECS; la s7, cont; li t5, MSTATUS_MPP; csrc mstatus, t5; li t5, ((mode) << 11) | MSTATUS_MPV; \
  csrs mstatus, t5; la t5, code; csrw mepc, t5; mret
/* Runs `code` in HS (mode 1) or U (mode 0) with V = 0. */
#define RUN_H(mode, code, cont) RESET_RECS; RUN_IN(mode, code, cont)

#define INSTALL_HYP_HANDLERS \
  la t0, hyp_m_handler; csrw mtvec, t0; li s8, 0; \
  la t0, hyp_hs_handler; csrw stvec, t0; la t0, hyp_vs_handler; csrw vstvec, t0

#define HYP_M_HANDLER \
  .align 2; \
hyp_m_handler: \
  csrr s10, mcause; csrr s11, mtval; csrr s9, mepc; addi s8, s8, 1; \
  la t5, m_rec; csrr t4, mstatus; sd t4, 0(t5); csrr t4, mtval2; sd t4, 8(t5); \
  csrr t4, mtinst; sd t4, 16(t5); \
  li t5, MSTATUS_MPP; csrs mstatus, t5; li t5, MSTATUS_MPV; csrc mstatus, t5; \
  csrw mepc, s7; mret

#define HYP_HS_HANDLER \
  .align 2; \
hyp_hs_handler: \
  la t5, hs_rec; csrr t4, scause; sd t4, 0(t5); csrr t4, stval; sd t4, 8(t5); \
  csrr t4, sepc; sd t4, 16(t5); csrr t4, htval; sd t4, 24(t5); csrr t4, htinst; sd t4, 32(t5); \
  csrr t4, hstatus; sd t4, 40(t5); csrr t4, sstatus; sd t4, 48(t5); \
hyp_hs_handler_ecall: \
  ecall

#define HYP_VS_HANDLER \
  .align 2; \
hyp_vs_handler: \
  la t5, vs_rec; csrr t4, scause; sd t4, 0(t5); csrr t4, stval; sd t4, 8(t5); \
  csrr t4, sepc; sd t4, 16(t5); csrr t4, sstatus; sd t4, 24(t5); \
hyp_vs_handler_ecall: \
  ecall

/* The records, in a page of their own (the VS handler writes vs_rec through translation). */
#define HYP_RECS \
  .data; .align 12; \
m_rec: .space 64; \
hs_rec: .space 64; \
vs_rec: .space 64; \
  .align 12; .text
