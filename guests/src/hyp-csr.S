# Hypervisor-extension CSRs: misa.H; the WARL rules of hstatus, hedeleg, hideleg, mideleg, hvip,
# hip, hie and hgatp; the plain read/write registers (hcounteren, henvcfg, htimedelta, htval,
# htinst, mtval2, mtinst); the VS CSRs holding their values; the aliases between hvip/hip/mip,
# hie/mie and vsip/vsie; mstatus.MPV/GVA; which modes may touch H CSRs (U: illegal; HS: allowed,
# except hgatp and HFENCE.GVMA when mstatus.TVM = 1).
#include "hyp.h"
#define HEDELEG_WRITABLE 0xb1fe     /* bits 1-8, 12, 13, 15 (bit 0 may be either with C) */
#define HEDELEG_ZERO 0xf10e00       /* bits 9, 10, 11, 16, 20-23: read-only zero */
#define VS_IRQS (IRQ_VSSI | IRQ_VSTI | IRQ_VSEI)
#define S_IRQS (IRQ_SSI | IRQ_STI | IRQ_SEI)
  TEST_MAIN
  INSTALL_HYP_HANDLERS
  # ---- identification: misa.H (bit 7) ----
  csrr a0, misa
  CHECK_MASK(2, a0, 1 << 7, 1 << 7)
  # vsstatus.UXL reads 2 (VU-mode is 64-bit) out of reset
  csrr a0, vsstatus
  CHECK_MASK(3, a0, 3 << 32, 2 << 32)
  # ---- hstatus: VSXL reads 2 (VSXLEN = 64); the control bits are writable ----
  csrr a0, hstatus
  CHECK_MASK(4, a0, HSTATUS_VSXL, 2 << 32)
  csrw hstatus, zero                # VSXL = 0 is not a legal value: it keeps reading 2
  csrr a0, hstatus
  CHECK_MASK(5, a0, HSTATUS_VSXL, 2 << 32)
  li s1, HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM | HSTATUS_HU | HSTATUS_SPVP | HSTATUS_SPV | HSTATUS_GVA
  csrs hstatus, s1
  csrr a0, hstatus
  and a0, a0, s1
  li TESTNUM, 6
  bne a0, s1, fail
  csrc hstatus, s1
  csrr a0, hstatus
  and a0, a0, s1
  CHECK(7, a0, 0)
  # (QEMU 7.2 lets every other hstatus bit be written too, reserved ones included: not checked.)
  # ---- hedeleg: bits 1-8, 12, 13, 15 writable; 9-11 and 20-23 (traps that never go to VS) zero
  li t0, -1
  csrw hedeleg, t0
  csrr a0, hedeleg
  CHECK_MASK(8, a0, HEDELEG_WRITABLE, HEDELEG_WRITABLE)
  CHECK_MASK(9, a0, HEDELEG_ZERO, 0)
  csrw hedeleg, zero
  csrr a0, hedeleg
  CHECK(10, a0, 0)
  # ---- mideleg: the VS-level interrupts (2, 6, 10) are read-only one. QEMU 7.2 only forces them
  # on a write of mideleg (they read 0 out of reset), so mideleg is written first. Bit 12 (SGEI)
  # is read-only one if GEILEN > 0; QEMU sets it with GEILEN = 0 too: not checked.
  csrw mideleg, zero
  csrr a0, mideleg
  CHECK_MASK(11, a0, VS_IRQS | S_IRQS, VS_IRQS)
  li t0, S_IRQS
  csrw mideleg, t0
  csrr a0, mideleg
  CHECK_MASK(12, a0, VS_IRQS | S_IRQS, VS_IRQS | S_IRQS)
  # ---- hideleg: only the VS-level bits 2, 6, 10 are writable among bits 15:0 ----
  li t0, -1
  csrw hideleg, t0
  csrr a0, hideleg
  CHECK_MASK(13, a0, 0xffff, VS_IRQS)
  csrw hideleg, zero
  csrr a0, hideleg
  CHECK(14, a0, 0)
  # ---- hvip: bits 2, 6, 10 writable; they show in hip and mip, never in sip ----
  li t0, -1
  csrw hvip, t0
  csrr a0, hvip
  CHECK_MASK(15, a0, 0xffff, VS_IRQS)
  csrr a0, hip
  CHECK_MASK(16, a0, VS_IRQS, VS_IRQS)
  csrr a0, mip
  CHECK_MASK(17, a0, VS_IRQS, VS_IRQS)
  csrr a0, sip
  CHECK_MASK(18, a0, VS_IRQS, 0)
  csrw hvip, zero
  csrr a0, hip
  CHECK_MASK(19, a0, VS_IRQS, 0)
  csrr a0, mip
  CHECK_MASK(20, a0, VS_IRQS, 0)
  # hip.VSSIP is a writable alias of hvip.VSSIP; hip.VSTIP and hip.VSEIP are read-only
  li t0, VS_IRQS
  csrs hip, t0
  csrr a0, hvip
  CHECK(21, a0, IRQ_VSSI)
  csrr a0, hip
  CHECK_MASK(22, a0, VS_IRQS, IRQ_VSSI)
  csrc hip, t0
  csrr a0, hvip
  CHECK(23, a0, 0)
  # mip.VSSIP is the same bit (writable through mip as well)
  li t0, IRQ_VSSI
  csrs mip, t0
  csrr a0, hvip
  CHECK(24, a0, IRQ_VSSI)
  csrc mip, t0
  csrr a0, hvip
  CHECK(25, a0, 0)
  # (QEMU 7.2 also lets mip writes set hvip.VSTIP/VSEIP, which the spec makes read-only in mip:
  # not checked.)
  # ---- hie: the VS bits are writable and are the same bits as in mie; never the S bits ----
  li t0, -1
  csrw hie, t0
  csrr a0, hie
  # bit 12 (SGEIE) must be read-only zero with GEILEN = 0; QEMU 7.2 keeps it writable: ignored
  CHECK_MASK(26, a0, 0xefff, VS_IRQS)
  csrr a0, mie
  CHECK_MASK(27, a0, VS_IRQS | S_IRQS, VS_IRQS)
  csrr a0, sie
  CHECK_MASK(28, a0, VS_IRQS, 0)
  li t0, VS_IRQS
  csrc mie, t0
  csrr a0, hie
  CHECK_MASK(29, a0, VS_IRQS, 0)
  li t0, IRQ_VSTI
  csrs mie, t0
  csrr a0, hie
  CHECK_MASK(30, a0, VS_IRQS, IRQ_VSTI)
  csrw hie, zero
  csrw mie, zero
  # ---- hgatp ----
  # Sv39x4 and Sv48x4 are kept (the spec makes each optional; this machine is expected to have
  # both, as it has Sv39 and Sv48); PPN[1:0] read as zero in these modes (the root is 16 KiB
  # aligned). QEMU 7.2 stores hgatp verbatim: PPN[1:0] = 3 is accepted as well.
  li t0, HGATP_SV39X4 | 0x80003
  csrw hgatp, t0
  csrr a0, hgatp
  li TESTNUM, 31
  li t1, HGATP_SV39X4 | 0x80000
  beq a0, t1, 1f
  li t1, HGATP_SV39X4 | 0x80003
  bne a0, t1, fail
1:li t0, HGATP_SV48X4 | 0x80004
  csrw hgatp, t0
  csrr a0, hgatp
  CHECK(32, a0, HGATP_SV48X4 | 0x80004)
  # VMID: writing all ones shows the implemented bits, VMID[VMIDLEN-1:0] (VMIDLEN may be 0)
  li t0, HGATP_SV39X4 | (0x3fff << 44) | 0x80000
  csrw hgatp, t0
  csrr a0, hgatp
  srli a1, a0, 44
  li t0, 0x3fff
  and a1, a1, t0
  addi a2, a1, 1
  and a2, a2, a1
  CHECK(33, a2, 0)                  # a contiguous mask from bit 0
  li t0, ~(0x3fff << 44)
  and a0, a0, t0
  CHECK(34, a0, HGATP_SV39X4 | 0x80000)
  # a reserved MODE (5) is not ignored as for satp: hgatp is WARL, so MODE must read a legal
  # value (Bare, Sv39x4, Sv48x4, Sv57x4). QEMU 7.2 keeps the 5: accepted as well.
  li t0, (5 << 60) | 0x80000
  csrw hgatp, t0
  csrr a0, hgatp
  srli a0, a0, 60
  li TESTNUM, 35
  li t1, 5
  beq a0, t1, 1f
  beqz a0, 1f
  addi a0, a0, -8
  li t1, 2
  bgtu a0, t1, fail
1:csrw hgatp, zero
  csrr a0, hgatp
  CHECK(36, a0, 0)
  # ---- plain registers ----
  li t0, 7
  csrw hcounteren, t0               # CY, TM, IR (the spec lets any bit be read-only zero; the
  csrr a0, hcounteren               # counter checks of hyp-virt and hyp-irq need all three)
  CHECK_MASK(37, a0, 7, 7)
  csrw hcounteren, zero
  csrr a0, hcounteren
  CHECK(38, a0, 0)
  li t0, 1                          # henvcfg.FIOM; bits 1 and 8-31 are reserved (read zero)
  csrw henvcfg, t0
  csrr a0, henvcfg
  CHECK(39, a0, 1)
  li t0, 0xffffff02
  csrs henvcfg, t0
  csrr a0, henvcfg
  CHECK_MASK(40, a0, 0xffffff02, 0)
  csrw henvcfg, zero
  li t0, 0x8123456789abcdef
  csrw htimedelta, t0
  csrr a0, htimedelta
  CHECK(41, a0, 0x8123456789abcdef)
  csrw htimedelta, zero
  # htval/mtval2 are WARL: zero, and possibly other shifted guest physical addresses.
  # htinst/mtinst need only hold the values the hart writes on traps (QEMU 7.2: htinst reads 0
  # whatever is written, mtinst holds anything). Each must hold 0 and read back the written value
  # or 0.
  li s1, 0x20000400                 # GPA 0x8000_1000 >> 2
  csrw htval, s1
  csrr a0, htval
  li TESTNUM, 42
  beqz a0, 1f
  bne a0, s1, fail
1:csrw htval, zero
  csrr a0, htval
  CHECK(43, a0, 0)
  csrw mtval2, s1
  csrr a0, mtval2
  li TESTNUM, 44
  beqz a0, 1f
  bne a0, s1, fail
1:csrw mtval2, zero
  csrr a0, mtval2
  CHECK(45, a0, 0)
  li s1, 0x3000                     # the "64-bit PTE read" pseudoinstruction
  csrw htinst, s1
  csrr a0, htinst
  li TESTNUM, 46
  beqz a0, 1f
  bne a0, s1, fail
1:csrw htinst, zero
  csrr a0, htinst
  CHECK(47, a0, 0)
  csrw mtinst, s1
  csrr a0, mtinst
  li TESTNUM, 48
  beqz a0, 1f
  bne a0, s1, fail
1:csrw mtinst, zero
  csrr a0, mtinst
  CHECK(49, a0, 0)
  # ---- VS CSRs hold what is written ----
  li t0, 0x0123456789abcdef
  csrw vsscratch, t0
  csrr a0, vsscratch
  CHECK(50, a0, 0x0123456789abcdef)
  la t0, vec_base
  csrw vstvec, t0
  csrr a0, vstvec
  CHECK_LA(51, a0, vec_base)
  la t0, vec_base + 1               # vectored mode (optional, as for stvec: it may read 0)
  csrw vstvec, t0
  csrr a0, vstvec
  andi a0, a0, -2
  CHECK_LA(52, a0, vec_base)
  li t0, 0x80001234
  csrw vsepc, t0
  csrr a0, vsepc
  CHECK(53, a0, 0x80001234)
  li t0, 13
  csrw vscause, t0
  csrr a0, vscause
  CHECK(54, a0, 13)
  li t0, INTR | 5
  csrw vscause, t0
  csrr a0, vscause
  CHECK(55, a0, INTR | 5)
  li t0, 0xffffffffc0001238         # a valid virtual address in every mode
  csrw vstval, t0
  csrr a0, vstval
  CHECK(56, a0, 0xffffffffc0001238)
  li t0, SATP_SV39 | 0x80123
  csrw vsatp, t0
  csrr a0, vsatp
  CHECK(57, a0, SATP_SV39 | 0x80123)
  csrw vsatp, zero
  csrr a0, vsatp
  CHECK(58, a0, 0)
  # vsstatus: the sstatus fields, independent of mstatus/sstatus
  csrw vsstatus, zero
  li s1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrs vsstatus, s1
  csrr a0, vsstatus
  and a0, a0, s1
  li TESTNUM, 59
  bne a0, s1, fail
  csrr a0, sstatus
  and a0, a0, s1
  CHECK(60, a0, 0)                  # HS sstatus untouched
  csrw vsstatus, zero
  # vsie/vsip: with hideleg clear, their SSIx/STIx/SEIx bits are read-only zero
  csrw hideleg, zero
  li t0, S_IRQS
  csrw vsie, t0
  csrr a0, vsie
  CHECK_MASK(61, a0, S_IRQS, 0)
  csrr a0, hie
  CHECK_MASK(62, a0, VS_IRQS, 0)
  # with hideleg = VS bits, vsie.{SSIE,STIE,SEIE} alias hie.{VSSIE,VSTIE,VSEIE} (shifted by 1)
  li t0, VS_IRQS
  csrw hideleg, t0
  li t0, S_IRQS
  csrw vsie, t0
  csrr a0, hie
  CHECK_MASK(63, a0, VS_IRQS, VS_IRQS)
  csrr a0, vsie
  CHECK_MASK(64, a0, S_IRQS, S_IRQS)
  li t0, IRQ_VSTI
  csrc hie, t0
  csrr a0, vsie
  CHECK_MASK(65, a0, S_IRQS, IRQ_SSI | IRQ_SEI)
  csrw hie, zero
  # vsip.SSIP is a writable alias of hvip.VSSIP; vsip.STIP shows hvip.VSTIP, read-only
  li t0, IRQ_SSI
  csrs vsip, t0
  csrr a0, hvip
  CHECK(66, a0, IRQ_VSSI)
  li t0, IRQ_VSTI
  csrs hvip, t0
  csrr a0, vsip
  # vsip.STIP must show hvip.VSTIP (hideleg[6] = 1); QEMU 7.2 reads vsip.STIP and SEIP as 0 from
  # HS/M (only SSIP is passed through): accepted as well.
  li t1, S_IRQS
  and a0, a0, t1
  li TESTNUM, 67
  li t1, IRQ_SSI
  beq a0, t1, 1f
  li t1, IRQ_SSI | IRQ_STI
  bne a0, t1, fail
1:
  li t0, IRQ_STI | IRQ_SSI
  csrc vsip, t0                     # clears SSIP only
  csrr a0, hvip
  CHECK(68, a0, IRQ_VSTI)
  csrw hideleg, zero
  csrr a0, vsip
  CHECK_MASK(69, a0, S_IRQS, 0)     # not delegated: invisible in vsip
  csrw hvip, zero
  # ---- mstatus.MPV (39) and GVA (38) are writable ----
  li s1, MSTATUS_MPV | MSTATUS_GVA
  csrs mstatus, s1
  csrr a0, mstatus
  and a0, a0, s1
  li TESTNUM, 70
  bne a0, s1, fail
  csrc mstatus, s1
  csrr a0, mstatus
  and a0, a0, s1
  CHECK(71, a0, 0)
  # ---- privilege: U (V = 0) may not touch H or VS CSRs, nor execute hypervisor fences ----
  RUN_H(0, u_hstatus, 1f)
1:CHECK_BITS_TRAP(72, CAUSE_ILLEGAL, u_hstatus)
  RUN_H(0, u_hgatp, 1f)
1:CHECK_BITS_TRAP(73, CAUSE_ILLEGAL, u_hgatp)
  RUN_H(0, u_vsstatus, 1f)
1:CHECK_BITS_TRAP(74, CAUSE_ILLEGAL, u_vsstatus)
  RUN_H(0, u_hvip_w, 1f)
1:CHECK_BITS_TRAP(75, CAUSE_ILLEGAL, u_hvip_w)
  RUN_H(0, u_hfence, 1f)
1:CHECK_BITS_TRAP(76, CAUSE_ILLEGAL, u_hfence)
  # HS may use them all (and ends with an ecall)
  RUN_H(1, hs_own, 1f)
1:CHECK_CAUSE(77, CAUSE_ECALL_S)
  CHECK(78, a0, 0x55)
  CHECK(79, a1, HGATP_SV39X4 | 0x80000)
  csrw hgatp, zero
  csrw vsscratch, zero
  # mstatus.TVM = 1: HS may not touch hgatp nor execute HFENCE.GVMA, but vsatp and HFENCE.VVMA
  # stay allowed
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  # (QEMU 7.2 does not check TVM for hgatp: the access completes and the code reaches its ecall,
  # accepted as well.)
  RUN_H(1, hs_hgatp, 1f)
1:li t6, CAUSE_ECALL_S
  beq s10, t6, 2f
  CHECK_BITS_TRAP(80, CAUSE_ILLEGAL, hs_hgatp)
2:
  RUN_H(1, hs_gvma, 1f)
1:CHECK_BITS_TRAP(81, CAUSE_ILLEGAL, hs_gvma)
  RUN_H(1, hs_vvma, 1f)
1:CHECK_CAUSE(82, CAUSE_ECALL_S)
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
u_hstatus: csrr a0, hstatus
  ecall
u_hgatp: csrw hgatp, zero
  ecall
u_vsstatus: csrr a0, vsstatus
  ecall
u_hvip_w: csrw hvip, zero
  ecall
u_hfence: hfence.vvma
  ecall
hs_own:
  csrr a0, hstatus
  li a0, 0x55
  csrw vsscratch, a0
  csrr a0, vsscratch
  li t0, HGATP_SV39X4 | 0x80000
  csrw hgatp, t0
  csrr a1, hgatp
  csrr a2, hedeleg
  csrr a2, vsatp
  hfence.gvma
  hfence.vvma
  ecall
hs_hgatp: csrr a0, hgatp
  ecall
hs_gvma: hfence.gvma
  ecall
hs_vvma: csrr a0, vsatp
  hfence.vvma
  ecall

  .align 6
vec_base: nop

  HYP_M_HANDLER
  HYP_HS_HANDLER
  HYP_VS_HANDLER
  TEST_END("hyp-csr")
  HYP_RECS
