# The S-mode kernel's entry point, at 0x8020_0000: where the M-mode stub (or OpenSBI, or a
# hypervisor) starts the kernel in S-mode with a0 = hart id, a1 = device tree (ignored), paging off.
#include "entry.h"
  .section .text.entry, "ax", @progbits
  .globl kernel_entry
kernel_entry:
  bnez a0, park                 # uniprocessor: only hart 0 runs the kernel
  la sp, boot_stack_top
  ZERO_BSS
  KERNEL_MODE
  la t0, trap_vector
  csrw stvec, t0
  call kmain                    # never returns
park:
  wfi
  j park

# The boot stack: kmain, then the scheduler's own context, run on it.
  .section .bss.stack, "aw", @nobits
  .balign 16
  .space 16384
boot_stack_top:
