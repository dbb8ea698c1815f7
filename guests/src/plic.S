# External interrupts through the PLIC: the UART's THR-empty interrupt on source 10 reaches hart 0
# in M-mode (MEIP, cause 11) when enabled with a priority above the threshold; claim returns 10,
# complete re-arms it; a threshold at the priority masks it; context 1 drives SEIP for S-mode.
#include "test.h"
#define PLIC 0x0c000000
#define UART 0x10000000
#define MEI 0x800000000000000b
  TEST_MAIN
  la t0, irq
  csrw mtvec, t0
  li s8, 0
  li s1, PLIC
  li s2, UART
  li t0, 1
  sw t0, 40(s1)          # priority[10] = 1
  li t1, 0x2000
  add t1, s1, t1
  li t0, 1 << 10
  sw t0, 0(t1)           # context 0 enables source 10
  li t1, 0x200000
  add s3, s1, t1         # context 0 threshold / claim
  sw zero, 0(s3)
  # the UART asks for an interrupt when THR is empty (IER.ETBEI): pending at the PLIC
  li t0, 2
  sb t0, 1(s2)
  li t1, 0x1000
  add t1, s1, t1
  lw a0, 0(t1)
  andi a0, a0, 1 << 10
  CHECK(2, a0, 1 << 10)
  csrr a0, mip
  li t0, 1 << 11
  and a0, a0, t0
  CHECK(3, a0, 1 << 11)  # MEIP
  # taken once MEIE and MIE are set; the handler claims 10, silences the UART and completes
  li t0, 1 << 11
  csrs mie, t0
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  CHECK(4, s8, 1)
  CHECK(5, s10, MEI)
  CHECK(6, s5, 10)       # the claimed source
  csrr a0, mip
  li t0, 1 << 11
  and a0, a0, t0
  CHECK(7, a0, 0)
  # a threshold equal to the priority masks the source
  li t0, 1
  sw t0, 0(s3)
  li t0, 2
  sb t0, 1(s2)
  csrr a0, mip
  li t0, 1 << 11
  and a0, a0, t0
  CHECK(8, a0, 0)
  sb zero, 1(s2)
  sw zero, 0(s3)
  # context 1 (hart 0 S-mode) drives SEIP
  li t1, 0x2080
  add t1, s1, t1
  li t0, 1 << 10
  sw t0, 0(t1)
  li t1, 0x201000
  add t1, s1, t1
  sw zero, 0(t1)
  li t0, 2
  sb t0, 1(s2)
  sb zero, 1(s2)         # the line drops, but the gateway already latched the request
  csrr a0, mip
  andi a0, a0, 1 << 9
  CHECK(9, a0, 1 << 9)
  lw a0, 4(t1)           # context 1 claims it
  CHECK(10, a0, 10)
  csrr a0, mip
  andi a0, a0, 1 << 9
  CHECK(11, a0, 0)
  sw a0, 4(t1)           # complete (a0 = 0 is ignored)
  li a0, 10
  sw a0, 4(t1)
  csrw mie, zero
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

  .align 2
irq:
  csrr s10, mcause
  addi s8, s8, 1
  lw s5, 4(s3)           # claim
  sb zero, 1(s2)         # IER = 0: the UART drops its line
  sw s5, 4(s3)           # complete
  mret

  TEST_END("plic")
