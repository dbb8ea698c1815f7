# RV64C: every compressed instruction of RV64C checked for its effect, and c.ebreak trapping.
#include "test.h"
  .text
  .globl main
main:
  addi sp, sp, -32
  sd ra, 24(sp)
  INSTALL_SKIP_HANDLER
  .option push
  .option rvc
  # c.li, c.addi, c.addiw, c.lui
  c.li a0, -5
  CHECK(2, a0, -5)
  c.addi a0, 7
  CHECK(3, a0, 2)
  li a0, 0x7fffffff
  c.addiw a0, 1
  CHECK(4, a0, 0xffffffff80000000)
  c.lui a0, 0xfffe1
  CHECK(5, a0, 0xfffffffffffe1000)
  c.lui a0, 1
  CHECK(6, a0, 0x1000)
  # c.addi16sp, c.addi4spn
  mv s1, sp
  c.addi16sp sp, -64
  sub t0, s1, sp
  CHECK(7, t0, 64)
  c.addi16sp sp, 64
  c.addi4spn a0, sp, 16
  sub t0, a0, sp
  CHECK(8, t0, 16)
  # c.slli, c.srli, c.srai, c.andi
  li a0, 1
  c.slli a0, 63
  CHECK(9, a0, 0x8000000000000000)
  c.srai a0, 3
  CHECK(10, a0, 0xf000000000000000)
  c.srli a0, 60
  CHECK(11, a0, 15)
  c.andi a0, -7
  CHECK(12, a0, 9)
  # c.mv, c.add, c.sub, c.xor, c.or, c.and, c.addw, c.subw
  li a1, 0x7fffffff
  c.mv a0, a1
  CHECK(13, a0, 0x7fffffff)
  c.add a0, a1
  CHECK(14, a0, 0xfffffffe)
  li a0, 0x7fffffff
  c.addw a0, a1
  CHECK(15, a0, -2)
  li a0, 0
  c.subw a0, a1
  CHECK(16, a0, 0xffffffff80000001)
  li a0, 10
  li a1, 3
  c.sub a0, a1
  CHECK(17, a0, 7)
  c.xor a0, a1
  CHECK(18, a0, 4)
  c.or a0, a1
  CHECK(19, a0, 7)
  c.and a0, a1
  CHECK(20, a0, 3)
  # c.sw, c.lw, c.sd, c.ld, c.swsp, c.lwsp, c.sdsp, c.ldsp
  la s1, buffer
  li a0, 0x80000001
  c.sw a0, 4(s1)
  c.lw a1, 4(s1)
  CHECK(21, a1, 0xffffffff80000001)
  li a0, 0x123456789abcdef0
  c.sd a0, 8(s1)
  c.ld a1, 8(s1)
  CHECK(22, a1, 0x123456789abcdef0)
  c.swsp a0, 4(sp)
  c.lwsp a2, 4(sp)
  CHECK(23, a2, 0xffffffff9abcdef0)
  c.sdsp a0, 8(sp)
  c.ldsp a2, 8(sp)
  CHECK(24, a2, 0x123456789abcdef0)
  # c.j, c.jr, c.jalr, c.beqz, c.bnez
  li TESTNUM, 25
  c.j 1f
  j fail
1:la t0, 2f
  c.jr t0
  j fail
2:li TESTNUM, 26
  la t0, 3f
  c.jalr t0
4:j fail
3:la t1, 4b
  bne ra, t1, fail
  li TESTNUM, 27
  li a0, 0
  c.beqz a0, 5f
  j fail
5:c.bnez a0, fail_c
  li a0, 1
  c.bnez a0, 6f
  j fail
6:c.beqz a0, fail_c
  # c.nop and c.ebreak (cause 3, tval = pc, 2-byte instruction skipped by the handler)
  c.nop
t28: c.ebreak
  # tval is the pc of the ebreak (vmlab, Spike, QEMU 8+) or 0 (QEMU 7.2): both are allowed.
  la t0, t28
  bnez s11, 1f
  mv s11, t0
1:CHECK_TRAP(28, 3, t0, t28)
  .option pop
  ld ra, 24(sp)
  addi sp, sp, 32
  j pass
fail_c:
  j fail
  SKIP_HANDLER
  TEST_END("isa-compressed")

  .data
  .align 4
buffer: .space 32
