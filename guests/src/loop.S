# A compute loop of exactly 3 instructions per iteration (addi, addi, bnez), ITERATIONS times,
# then it prints the count and exits 0. From _start through the store to tohost, it retires
# 3*N + 186 + 15*d instructions, d = the number of decimal digits of N (N >= 4096):
# loop-small (N = 1,000,000) 3,000,291 and loop (N = 200,000,000) 600,000,321. See README.md.
  .text
  .globl main
main:
  addi sp, sp, -16
  sd ra, 8(sp)
  li a0, 0
  li a1, ITERATIONS
1:addi a0, a0, 1
  addi a1, a1, -1
  bnez a1, 1b
  sd a0, 0(sp)
  la a0, msg
  call puts_
  ld a0, 0(sp)
  call putdec
  li a0, 10
  call putchar_
  ld ra, 8(sp)
  addi sp, sp, 16
  li a0, 0
  ret
  .section .rodata
msg: .asciz "loop: iterations "
