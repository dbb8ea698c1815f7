/* What both kernels' entry points do before any C runs (entry.S natively, pv/head.S under the
   hypervisor). Assembler macros: clobber t0, t1. */
#ifndef MINIOS_ENTRY_H
#define MINIOS_ENTRY_H

/* Zero .bss: the ELF loader normally does, but a kernel may be started from a raw image too. */
.macro ZERO_BSS
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
.endm

/* SIE and SUM off, whatever the caller left: the kernel runs with interrupts off and opens user
   memory only to copy; sscratch = 0 means "running in the kernel" (see trapvec.S). */
.macro KERNEL_MODE
  li t0, (1 << 1) | (1 << 18)
  csrc sstatus, t0
  csrw sscratch, zero
  csrw sie, zero
.endm

#endif
