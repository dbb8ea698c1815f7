# The supervisor trap vector (stvec) and the return to user mode.
#
# sscratch tells where a trap comes from: 0 while the kernel runs, the top of the current
# process's kernel stack while user code runs. The kernel is mapped in every address space, so
# the vector needs no trampoline page: it swaps to the kernel stack and saves the user registers
# there, in a struct trapframe (trapframe.h).
#include "trapframe.h"

.macro SAVE_GPRS_EXCEPT_SP
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  sd x5, 5*8(sp)
  sd x6, 6*8(sp)
  sd x7, 7*8(sp)
  sd x8, 8*8(sp)
  sd x9, 9*8(sp)
  sd x10, 10*8(sp)
  sd x11, 11*8(sp)
  sd x12, 12*8(sp)
  sd x13, 13*8(sp)
  sd x14, 14*8(sp)
  sd x15, 15*8(sp)
  sd x16, 16*8(sp)
  sd x17, 17*8(sp)
  sd x18, 18*8(sp)
  sd x19, 19*8(sp)
  sd x20, 20*8(sp)
  sd x21, 21*8(sp)
  sd x22, 22*8(sp)
  sd x23, 23*8(sp)
  sd x24, 24*8(sp)
  sd x25, 25*8(sp)
  sd x26, 26*8(sp)
  sd x27, 27*8(sp)
  sd x28, 28*8(sp)
  sd x29, 29*8(sp)
  sd x30, 30*8(sp)
  sd x31, 31*8(sp)
.endm

  .section .text
  .balign 4
  .globl trap_vector
trap_vector:
  csrrw sp, sscratch, sp
  bnez sp, from_user
  # From the kernel (sscratch was 0): undo the swap. The kernel runs with SIE = 0 and never
  # faults on purpose, so this is a kernel bug: kernel_trap reports it and powers off.
  csrrw sp, sscratch, sp
  addi sp, sp, -TF_SIZE
  SAVE_GPRS_EXCEPT_SP
  addi t0, sp, TF_SIZE
  sd t0, REG_SP*8(sp)
  csrr t0, sepc
  sd t0, TF_SEPC(sp)
  mv a0, sp
  call kernel_trap
1:j 1b

from_user:
  # sp = the top of this process's kernel stack, sscratch = the user sp.
  addi sp, sp, -TF_SIZE
  SAVE_GPRS_EXCEPT_SP
  csrr t0, sscratch
  sd t0, REG_SP*8(sp)
  csrw sscratch, zero
  csrr t0, sepc
  sd t0, TF_SEPC(sp)
  mv a0, sp
  call user_trap                # may switch to other processes before it returns
  # fall through

# Returns to user mode with the registers in the trapframe at sp. New processes start here too:
# their first context switch "returns" to user_return with sp = their trapframe.
  .globl user_return
user_return:
  ld t0, TF_SEPC(sp)
  csrw sepc, t0
  li t0, (1 << 8)               # SPP = U
  csrc sstatus, t0
  addi t0, sp, TF_SIZE          # the next trap from U starts at the top of this kernel stack
  csrw sscratch, t0
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x4, 4*8(sp)
  ld x5, 5*8(sp)
  ld x6, 6*8(sp)
  ld x7, 7*8(sp)
  ld x8, 8*8(sp)
  ld x9, 9*8(sp)
  ld x10, 10*8(sp)
  ld x11, 11*8(sp)
  ld x12, 12*8(sp)
  ld x13, 13*8(sp)
  ld x14, 14*8(sp)
  ld x15, 15*8(sp)
  ld x16, 16*8(sp)
  ld x17, 17*8(sp)
  ld x18, 18*8(sp)
  ld x19, 19*8(sp)
  ld x20, 20*8(sp)
  ld x21, 21*8(sp)
  ld x22, 22*8(sp)
  ld x23, 23*8(sp)
  ld x24, 24*8(sp)
  ld x25, 25*8(sp)
  ld x26, 26*8(sp)
  ld x27, 27*8(sp)
  ld x28, 28*8(sp)
  ld x29, 29*8(sp)
  ld x30, 30*8(sp)
  ld x31, 31*8(sp)
  ld sp, REG_SP*8(sp)
  sret
