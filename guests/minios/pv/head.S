# The PV kernel's entry: the domain builder starts the vCPU here in S-mode, paging on (its
# initial tables), a0 = 0 (vCPU id), a1 = start_info's virtual address. As entry.S, but the trap
# handler is registered with the hypervisor (platform_init) rather than written to stvec.
  .section .text.entry, "ax", @progbits
  .globl kernel_entry
kernel_entry:
  bnez a0, park
  mv s0, a1
  la sp, boot_stack_top
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:li t0, (1 << 1) | (1 << 18)   # SIE and SUM off
  csrc sstatus, t0
  csrw sscratch, zero           # "running in the kernel" (see trapvec.S)
  csrw sie, zero
  mv a0, s0
  call pv_start
  call kmain                    # never returns
park:
  j park

  .section .bss.stack, "aw", @nobits
  .balign 16
  .space 16384
boot_stack_top:
