# The PV kernel's entry: the domain builder starts the vCPU here in S-mode, paging on (its
# initial tables), a0 = 0 (vCPU id), a1 = start_info's virtual address. As entry.S, but the trap
# handler is registered with the hypervisor (platform_init) rather than written to stvec.
#include "entry.h"
  .section .text.entry, "ax", @progbits
  .globl kernel_entry, _start
_start:                         # the linker script's ENTRY: the same address
kernel_entry:
  bnez a0, park
  mv s0, a1
  la sp, boot_stack_top
  ZERO_BSS
  KERNEL_MODE
  mv a0, s0
  call pv_start
  call kmain                    # never returns
park:
  j park

  .section .bss.stack, "aw", @nobits
  .balign 16
  .space 16384
boot_stack_top:
