# Start-up for every guest: M-mode, hart 0. Sets a stack, clears .bss, calls main, exits with its result.
  .section .text.init
  .globl _start
_start:
  # PMP: one NAPOT region over everything, RWX, so S and U may run (QEMU enforces PMP; vmlab keeps
  # the registers but does not enforce them).
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la sp, __stack_top
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:call main
  j exit

# exit(a0): 0 = pass. Writes tohost (HTIF: 1 pass, (n << 1) | 1 fail n), then the SiFive finisher
# (QEMU's virt machine has no HTIF): 0x5555 pass, (n << 16) | 0x3333 fail n.
  .globl exit
exit:
  fence
  li t0, 0x10000000       # let the UART finish sending (LSR.TEMT) before powering off
1:lbu t1, 5(t0)
  andi t1, t1, 0x40
  beqz t1, 1b
  slli t0, a0, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
  li t1, 0x100000
  beqz a0, 1f
  slli t0, a0, 16
  li t2, 0x3333
  or t0, t0, t2
  sw t0, 0(t1)
  j 2f
1:li t0, 0x5555
  sw t0, 0(t1)
2:j 2b

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
