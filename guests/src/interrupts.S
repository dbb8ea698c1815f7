# CLINT interrupts: the machine timer (wfi wakes on it, MTIP follows mtimecmp), software interrupts
# through msip, global enables (M-level interrupts are taken below M whatever mstatus.MIE says, but
# not in M with MIE clear; wfi still wakes then), the trap state of an interrupt (mepc, mtval,
# mstatus stack), priority between pending interrupts, vectored mtvec, and supervisor interrupts
# delegated with mideleg: the timer raised by M through mip.STIP and a software interrupt raised
# by S through sip.SSIP (never taken in M; in S only with SIE; in U always).
#include "test.h"
#define CLINT_MSIP 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#define MSI 0x8000000000000003
#define MTI 0x8000000000000007
#define STI 0x8000000000000005
#define SSI 0x8000000000000001
  TEST_MAIN
  la t0, irq_handler
  csrw mtvec, t0
  li s8, 0
  li s4, 0
  # 1. machine timer: wfi until the interrupt; the handler moves mtimecmp away. The interrupt is
  # taken only in the window after wfi (MIE set, then cleared): taken before a wfi, it would leave
  # nothing pending to wake it, and QEMU's wfi sleeps for ever (seen under load).
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  addi t1, t1, 200
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
  li t0, 1 << 7
  csrs mie, t0
1:wfi                     # wakes on MTIP pending and enabled in mie, whatever mstatus.MIE
  csrsi mstatus, 8        # the interrupt is taken here
  csrci mstatus, 8
  beqz s8, 1b
  CHECK(2, s10, MTI)
  CHECK(3, s11, 0)        # mtval = 0 for interrupts
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(4, a0, 0)         # MTIP follows mtimecmp
  # MTIP is read-only in mip
  li t0, 1 << 7
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, 1 << 7
  CHECK(5, a0, 0)
  # 2. wfi wakes on a pending enabled interrupt even with mstatus.MIE = 0, and no trap is taken
  li s8, 0
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  addi t1, t1, 100
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
1:wfi
  csrr a0, mip
  andi a0, a0, 1 << 7
  beqz a0, 1b
  CHECK(6, s8, 0)
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  csrw mie, zero
  # 3. software interrupt: pending but not taken in M while MIE = 0; taken right after MIE is set,
  # with mepc = the next instruction and the mstatus stack MPP = M, MPIE = 1, MIE = 0
  li s8, 0
  li t0, 1 << 3
  csrs mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, 1 << 3
  CHECK(7, a0, 1 << 3)
  nop
  nop
  CHECK(8, s8, 0)
  csrsi mstatus, 8
t9:
  csrci mstatus, 8
  CHECK(9, s8, 1)
  CHECK(10, s10, MSI)
  la t0, t9
  li TESTNUM, 11
  bne s9, t0, fail        # mepc
  li t0, 0x1888
  and a0, s3, t0
  CHECK(12, a0, 0x1880)   # mstatus seen by the handler
  csrr a0, mip
  andi a0, a0, 1 << 3
  CHECK(13, a0, 0)        # msip cleared by the handler
  # 4. below M, M-level interrupts are taken even with mstatus.MIE = 0
  li s8, 0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  RUN_IN(0, u_spin, 1f)
1:CHECK(14, s8, 1)
  CHECK(15, s10, MSI)
  la t0, u_spin
  li TESTNUM, 16
  bne s9, t0, fail
  li t0, 0x1800
  and a0, s3, t0
  CHECK(17, a0, 0)        # MPP = U
  RUN_IN(1, s_spin, 1f)   # and in S, where the S code raises msip itself
1:CHECK(18, s8, 2)
  CHECK(19, s10, MSI)
  li t0, 0x1800
  and a0, s3, t0
  CHECK(20, a0, 0x800)    # MPP = S
  # 5. priority: MSI before MTI when both are pending
  li s8, 0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)         # MTIP pending
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)           # MSIP pending
  li t0, (1 << 3) | (1 << 7)
  csrs mie, t0
  csrsi mstatus, 8
  nop
  nop
  csrci mstatus, 8
  CHECK(21, s8, 2)
  CHECK(22, s5, MSI)     # the first interrupt taken
  CHECK(23, s10, MTI)    # then the timer
  csrw mie, zero
  # 6. vectored mtvec: the timer goes to base + 4 * 7, the software interrupt to base + 4 * 3
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
  CHECK(24, s4, 7)
  CHECK(25, s10, MTI)
  csrw mie, zero
  li s4, 0
  li t0, 1 << 3
  csrs mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  CHECK(26, s4, 3)
  CHECK(27, s10, MSI)
  csrw mie, zero
  la t0, irq_handler
  csrw mtvec, t0
  # 7. supervisor timer raised by M in mip.STIP, delegated, taken in S once SIE is set
  la t0, s_handler
  csrw stvec, t0
  li t0, (1 << 5) | (1 << 1)
  csrw mideleg, t0
  li t0, 1 << 5
  csrs mie, t0
  li s8, 0
  li s6, 0
  csrs mip, t0           # STIP
  csrsi mstatus, 8       # in M, a delegated interrupt is never taken
  nop
  csrci mstatus, 8
  CHECK(28, s8, 0)
  RUN_IN(1, s_enable, 1f)
1:CHECK(29, s6, STI)     # scause seen in S
  la t0, s_enabled
  li TESTNUM, 30
  bne s2, t0, fail       # sepc: the instruction after the csrsi that enabled SIE
  CHECK(31, s10, 9)      # S then asked M (ecall) to clear STIP
  csrr a0, mip
  andi a0, a0, 1 << 5
  CHECK(32, a0, 0)
  csrw mie, zero
  # 8. supervisor software interrupt: S sets sip.SSIP; taken in S only when SIE = 1
  li t0, 1 << 1
  csrs mie, t0
  li s6, 0
  RUN_IN(1, s_ssip, 1f)
1:CHECK(33, s6, SSI)
  CHECK(34, a0, 1)       # not taken before S set SIE
  la t0, s_ssip_enabled
  li TESTNUM, 35
  bne s2, t0, fail
  csrr a0, mip
  andi a0, a0, 1 << 1
  CHECK(36, a0, 0)       # cleared by the S handler through sip
  # in U, a pending delegated S interrupt is taken whatever SIE is
  li s6, 0
  csrsi mstatus, 2       # SIE = 1 in M: not taken there
  li t0, 1 << 1
  csrs mip, t0
  nop
  csrci mstatus, 2       # SIE = 0: still taken in U
  RUN_IN(0, u_spin, 1f)
1:CHECK(37, s6, SSI)
  la t0, u_spin
  li TESTNUM, 38
  bne s2, t0, fail
  csrw mideleg, zero
  csrw mie, zero
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

u_spin:
  j u_spin
s_spin:
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)           # S may write the CLINT (PMP is open): the M interrupt is taken in S
1:j 1b
s_enable:
  csrsi sstatus, 2       # SIE: the pending STIP is taken at once
s_enabled:
1:j 1b
s_ssip:
  li a0, 0
  csrsi sip, 2           # SSIP, delegated, with SIE = 0: pending, not taken
  nop
  li a0, 1
  csrsi sstatus, 2
s_ssip_enabled:
1:j 1b
  # The S-mode handler: scause s6, sepc s2; clears SSIP and leaves to M with an ecall.
  .align 2
s_handler:
  csrr s6, scause
  csrr s2, sepc
  csrci sip, 2
  ecall

  # The M-mode handler: mcause s10 (the one before in s5), mtval s11, mepc s9, mstatus s3,
  # count s8. Clears the source; an interrupt from M resumes, one from below goes to s7.
  .align 2
irq_handler:
  mv s5, s10
  csrr s10, mcause
  csrr s11, mtval
  csrr s9, mepc
  csrr s3, mstatus
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
4:srli t5, s3, 11       # from M: resume where interrupted; from below: go to the continuation
  andi t5, t5, 3
  li t4, 3
  bne t5, t4, 5f
  mret
5:li t5, 0x1800
  csrs mstatus, t5
  csrw mepc, s7
  mret

  .align 8
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
  .rept 8
  j fail
  .endr
  .option pop
vec3:
  li s4, 3
  j irq_handler
vec7:
  li s4, 7
  j irq_handler

  TEST_END("interrupts")
