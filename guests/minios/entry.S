# The S-mode kernel's entry point, at 0x8020_0000: where the M-mode stub (or OpenSBI, or a
# hypervisor) starts the kernel in S-mode with a0 = hart id, a1 = device tree (ignored), paging off.
  .section .text.entry, "ax", @progbits
  .globl kernel_entry
kernel_entry:
  bnez a0, park                 # uniprocessor: only hart 0 runs the kernel
  la sp, boot_stack_top
  # Zero .bss: the ELF loader normally does, but a kernel may be started from a raw image too.
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:li t0, (1 << 1) | (1 << 18)   # SIE and SUM off, whatever the caller left: the kernel runs
  csrc sstatus, t0              # with interrupts off and opens user memory only to copy
  csrw sscratch, zero           # sscratch = 0: "running in the kernel" (see trapvec.S)
  la t0, trap_vector
  csrw stvec, t0
  csrw sie, zero
  call kmain                    # never returns
park:
  wfi
  j park

# The boot stack: kmain, then the scheduler's own context, run on it.
  .section .bss.stack, "aw", @nobits
  .balign 16
  .space 16384
boot_stack_top:
