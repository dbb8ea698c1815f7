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
  # ---- more edges ----
  c.li a0, 31
  CHECK(30, a0, 31)
  c.li a0, -32
  CHECK(31, a0, -32)
  c.lui a0, 0x1f
  CHECK(32, a0, 0x1f000)
  c.lui a0, 0xfffe0
  CHECK(33, a0, 0xfffffffffffe0000)
  li a0, 0x100000000
  c.addiw a0, -1
  CHECK(34, a0, -1)
  li a0, 0x1234567880000000
  c.addiw a0, 0          # sext.w
  CHECK(35, a0, 0xffffffff80000000)
  c.addi a0, -32
  CHECK(36, a0, 0xffffffff7fffffe0)
  c.addi4spn a1, sp, 1020
  sub t0, a1, sp
  CHECK(37, t0, 1020)
  mv s1, sp
  c.addi16sp sp, -512
  sub t0, s1, sp
  CHECK(38, t0, 512)
  c.addi16sp sp, 496
  sub t0, s1, sp
  CHECK(39, t0, 16)
  c.addi16sp sp, 16
  # the largest offsets of the stack-relative loads and stores
  c.addi16sp sp, -512
  li a0, 0x0123456789abcdef
  c.sdsp a0, 504(sp)
  c.swsp a0, 252(sp)
  c.ldsp a1, 504(sp)
  CHECK(40, a1, 0x0123456789abcdef)
  c.lwsp a1, 252(sp)
  CHECK(41, a1, 0xffffffff89abcdef)
  ld a1, 248(sp)
  srli a1, a1, 32
  CHECK(42, a1, 0x89abcdef)
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  # the largest offsets of the register-relative loads and stores
  la s1, buffer
  li a0, 0x7edcba9876543210
  c.sd a0, 248(s1)
  c.sw a0, 124(s1)
  c.ld a2, 248(s1)
  CHECK(43, a2, 0x7edcba9876543210)
  c.lw a2, 124(s1)
  CHECK(44, a2, 0x76543210)
  # shifts by 1 and 63, andi with a negative immediate
  li a0, 0x8000000000000001
  c.srli a0, 1
  CHECK(45, a0, 0x4000000000000000)
  li a0, 0x8000000000000001
  c.srai a0, 1
  CHECK(46, a0, 0xc000000000000000)
  li a0, 0x8000000000000000
  c.srai a0, 63
  CHECK(47, a0, -1)
  c.srli a0, 63
  CHECK(48, a0, 1)
  li a0, -1
  c.andi a0, -32
  CHECK(49, a0, -32)
  c.andi a0, 31
  CHECK(50, a0, 0)
  li a0, 0x40000000
  li a1, 0x40000000
  c.addw a0, a1
  CHECK(51, a0, 0xffffffff80000000)
  li a0, 0x100000000
  li a1, 1
  c.subw a0, a1
  CHECK(52, a0, -1)
  li a0, -1
  li a1, 1
  c.add a0, a1
  CHECK(53, a0, 0)
  # c.bnez on a negative value; backward c.beqz/c.bnez
  li TESTNUM, 54
  li a0, -1
  c.bnez a0, 1f
  j fail
1:li a0, 3
  li a1, 0
2:c.addi a1, 1
  c.addi a0, -1
  c.bnez a0, 2b
  CHECK(55, a1, 3)
  li TESTNUM, 56
  li a0, 0
  j 4f
3:c.li a0, 1
  c.beqz a0, fail_c
  j 5f
4:c.beqz a0, 3b
  j fail
  # c.jalr to a register other than ra; c.jr ra returns
5:li TESTNUM, 57
  la a3, cfunc
  c.jalr a3
6:CHECK(58, a0, 0x55)
  la t1, 6b
  li TESTNUM, 59
  bne s11, t1, fail
  .option pop
  ld ra, 24(sp)
  addi sp, sp, 32
  j pass
fail_c:
  j fail
  .option push
  .option rvc
cfunc:
  mv s11, ra
  c.li a0, 0x15
  c.addi a0, 31
  c.addi a0, 31
  c.addi a0, 2
  c.jr ra
  .option pop
  SKIP_HANDLER
  TEST_END("isa-compressed")

  .data
  .align 4
buffer: .space 256
