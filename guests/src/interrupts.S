# CLINT interrupts: the machine timer (wfi wakes on it, MTIP follows mtimecmp), software interrupts
# through msip, global enables (M-level interrupts are taken below M whatever mstatus.MIE says, but
# not in M with MIE clear), priority between pending interrupts, vectored mtvec, and a supervisor
# timer interrupt raised by M through mip.STIP and delegated with mideleg.
#include "test.h"
#define CLINT_MSIP 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#define MSI 0x8000000000000003
#define MTI 0x8000000000000007
#define STI 0x8000000000000005
  TEST_MAIN
  la t0, irq_handler
  csrw mtvec, t0
  li s8, 0
  li s4, 0
  # 1. machine timer: wfi until the interrupt; the handler moves mtimecmp away
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  addi t1, t1, 200
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
  li t0, 1 << 7
  csrs mie, t0
  csrsi mstatus, 8
1:wfi
  beqz s8, 1b
  csrci mstatus, 8
  CHECK(2, s10, MTI)
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(3, a0, 0)
  csrw mie, zero
  # 2. software interrupt
  li s8, 0
  li t0, 1 << 3
  csrs mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, 1 << 3
  CHECK(4, a0, 1 << 3)   # pending, but MIE = 0 in M: not taken
  CHECK(5, s8, 0)
  csrsi mstatus, 8       # now it is taken
  nop
  csrci mstatus, 8
  CHECK(6, s8, 1)
  CHECK(7, s10, MSI)
  # 3. below M, M-level interrupts are taken even with mstatus.MIE = 0
  li s8, 0
  li t0, CLINT_MSIP
  sw t1, 0(t0)
  RUN_IN(0, u_spin, 1f)
1:CHECK(8, s8, 1)
  CHECK(9, s10, MSI)
  # 4. priority: MSI before MTI when both are pending
  li s8, 0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)         # MTIP pending
  li t0, CLINT_MSIP
  sw t1, 0(t0)           # MSIP pending
  li t0, (1 << 3) | (1 << 7)
  csrs mie, t0
  csrsi mstatus, 8
  nop
  nop
  csrci mstatus, 8
  CHECK(10, s8, 2)
  CHECK(11, s5, MSI)     # the first interrupt taken
  CHECK(12, s10, MTI)    # then the timer
  csrw mie, zero
  # 5. vectored mtvec: the timer goes to base + 4 * 7
  la t0, vectors + 1
  csrw mtvec, t0
  li s8, 0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, 1 << 7
  csrs mie, t0
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  CHECK(13, s4, 7)
  CHECK(14, s10, MTI)
  csrw mie, zero
  la t0, irq_handler
  csrw mtvec, t0
  # 6. supervisor timer raised by M in mip.STIP, delegated, taken in S
  la t0, s_handler
  csrw stvec, t0
  li t0, 1 << 5
  csrw mideleg, t0
  csrs mie, t0
  li s8, 0
  li s6, 0
  csrs mip, t0           # STIP
  RUN_IN(1, s_enable, 1f)
1:CHECK(15, s6, STI)     # scause seen in S
  CHECK(16, s10, 9)      # S then asked M (ecall) to clear STIP
  csrr a0, mip
  andi a0, a0, 1 << 5
  CHECK(17, a0, 0)
  csrw mideleg, zero
  csrw mie, zero
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

u_spin:
  j u_spin
s_enable:
  csrsi sstatus, 2       # SIE: the pending STIP is taken at once
1:j 1b
  .align 2
s_handler:
  csrr s6, scause
  ecall

  .align 2
irq_handler:
  mv s5, s10             # the previous cause
  csrr s10, mcause
  addi s8, s8, 1
  li t5, MSI
  beq s10, t5, 1f
  li t5, MTI
  beq s10, t5, 2f
  li t5, 9
  beq s10, t5, 3f
  j fail
1:li t5, CLINT_MSIP
  sw zero, 0(t5)
  j 4f
2:li t5, CLINT_MTIMECMP
  li t4, -1
  sd t4, 0(t5)
  j 4f
3:li t5, 1 << 5
  csrc mip, t5
  j 5f
4:csrr t5, mstatus       # from M: resume where interrupted; from below: go to the continuation
  srli t5, t5, 11
  andi t5, t5, 3
  li t4, 3
  bne t5, t4, 5f
  mret
5:li t5, 0x1800
  csrs mstatus, t5
  csrw mepc, s7
  mret

  .align 6
  .option push
  .option norvc          # every vector is one 4-byte jump
vectors:
  j fail
  j fail
  j fail
  j vec3
  j fail
  j fail
  j fail
  j vec7
  .option pop
vec3:
  li s4, 3
  j irq_handler
vec7:
  li s4, 7
  j irq_handler

  TEST_END("interrupts")
