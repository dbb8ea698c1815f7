# RV64I: every integer instruction with golden values from the specification, including the
# sign extension of *W results, shift amounts, compare edges, branches, jumps and every load and
# store width (aligned and misaligned).
#include "test.h"
  TEST_MAIN
  # add/sub/addw/subw
  TEST_RR(2, add, 0x7fffffffffffffff, 1, 0x8000000000000000)
  TEST_RR(3, sub, 0, 1, -1)
  TEST_RR(4, addw, 0x7fffffff, 1, 0xffffffff80000000)
  TEST_RR(5, subw, 0, 1, -1)
  TEST_RR(6, addw, 0xffffffff00000005, 0x100000003, 8)
  TEST_RI(7, addi, 5, -6, -1)
  TEST_RI(8, addiw, 0x7fffffff, 1, 0xffffffff80000000)
  TEST_RI(9, addiw, 0x123456789, 0, 0x23456789)
  # logic
  TEST_RR(10, and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00)
  TEST_RR(11, or, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0)
  TEST_RR(12, xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)
  TEST_RI(13, andi, 0xff00ff00ff00ff00, -16, 0xff00ff00ff00ff00)
  TEST_RI(14, ori, 0, -1, -1)
  TEST_RI(15, xori, 0x00ff00ff00ff00ff, 0x0f0, 0x00ff00ff00ff000f)
  # shifts: amounts use the low 6 (or 5 for W) bits
  TEST_RR(16, sll, 1, 63, 0x8000000000000000)
  TEST_RR(17, sll, 1, 64, 1)
  TEST_RR(18, srl, 0x8000000000000000, 63, 1)
  TEST_RR(19, sra, 0x8000000000000000, 63, -1)
  TEST_RR(20, sra, 0x8000000000000000, 0x7f, -1)
  TEST_RR(21, sllw, 1, 31, 0xffffffff80000000)
  TEST_RR(22, sllw, 1, 32, 1)
  TEST_RR(23, srlw, 0xffffffff80000000, 31, 1)
  TEST_RR(24, sraw, 0x0000000080000000, 31, -1)
  TEST_RR(25, srlw, 0x0000000080000000, 0, 0xffffffff80000000)
  TEST_RI(26, slli, 1, 32, 0x100000000)
  TEST_RI(27, srli, -1, 60, 15)
  TEST_RI(28, srai, 0x8000000000000000, 4, 0xf800000000000000)
  TEST_RI(29, slliw, 0x12345678, 4, 0x23456780)
  TEST_RI(30, srliw, 0xffffffff80000000, 4, 0x08000000)
  TEST_RI(31, sraiw, 0x0000000080000000, 4, 0xfffffffff8000000)
  # comparisons
  TEST_RR(32, slt, -1, 0, 1)
  TEST_RR(33, sltu, -1, 0, 0)
  TEST_RR(34, slt, 0x7fffffffffffffff, 0x8000000000000000, 0)
  TEST_RR(35, sltu, 0x7fffffffffffffff, 0x8000000000000000, 1)
  TEST_RI(36, slti, -5, -4, 1)
  TEST_RI(37, sltiu, 5, -1, 1)
  TEST_RI(38, sltiu, 0, 1, 1)
  # lui and auipc sign-extend
  li TESTNUM, 39
  lui a0, 0x80000
  li t6, 0xffffffff80000000
  bne a0, t6, fail
  li TESTNUM, 40
1:auipc a0, 0
  la a1, 1b
  bne a0, a1, fail
  # x0 stays zero
  li TESTNUM, 41
  li t0, 7
  add x0, t0, t0
  bnez x0, fail
  # branches: taken and not taken at signed and unsigned edges
  li a1, -1
  li a2, 1
  li TESTNUM, 42
  blt a2, a1, fail
  bge a1, a2, fail
  bltu a1, a2, fail
  bgeu a2, a1, fail
  beq a1, a2, fail
  li TESTNUM, 43
  blt a1, a2, 2f
  j fail
2:bltu a2, a1, 3f
  j fail
3:bge a2, a1, 4f
  j fail
4:bgeu a1, a2, 5f
  j fail
5:bne a1, a2, 6f
  j fail
6:beq a1, a1, 7f
  j fail
  # jal/jalr: link values, jalr clears bit 0 of the target
7:li TESTNUM, 44
  jal ra, 8f
9:j fail
8:la t0, 9b
  bne ra, t0, fail
  li TESTNUM, 45
  la t0, 10f
  addi t0, t0, 1
  jalr t1, 0(t0)
11:j fail
10:la t2, 11b
  bne t1, t2, fail
  # loads and stores of every width, sign and zero extension
  la s1, buffer
  li t0, 0x8877665544332211
  sd t0, 0(s1)
  li TESTNUM, 46
  lb a0, 7(s1);  li t6, 0xffffffffffffff88; bne a0, t6, fail
  lbu a0, 7(s1); li t6, 0x88; bne a0, t6, fail
  lh a0, 6(s1);  li t6, 0xffffffffffff8877; bne a0, t6, fail
  lhu a0, 6(s1); li t6, 0x8877; bne a0, t6, fail
  lw a0, 4(s1);  li t6, 0xffffffff88776655; bne a0, t6, fail
  lwu a0, 4(s1); li t6, 0x88776655; bne a0, t6, fail
  ld a0, 0(s1);  bne a0, t0, fail
  li TESTNUM, 47
  li t1, -1
  sd t1, 8(s1)
  sb zero, 8(s1)
  sh zero, 10(s1)
  sw zero, 12(s1)
  ld a0, 8(s1); li t6, 0xff00; bne a0, t6, fail
  # misaligned loads and stores are performed
  li TESTNUM, 48
  ld a0, 1(s1); li t6, 0x0088776655443322; bne a0, t6, fail
  lw a0, 3(s1); li t6, 0x77665544; bne a0, t6, fail
  lh a0, 7(s1); li t6, 0x88; bne a0, t6, fail
  li t0, 0x0123456789abcdef
  sd t0, 17(s1)
  ld a0, 17(s1); bne a0, t0, fail
  lbu a0, 17(s1); li t6, 0xef; bne a0, t6, fail
  # a misaligned doubleword across a page boundary
  li TESTNUM, 49
  la s2, page_end
  sd t0, -3(s2)
  ld a0, -3(s2); bne a0, t0, fail
  lbu a0, 4(s2); li t6, 0x01; bne a0, t6, fail
  # ---- more edges ----
  TEST_RR(50, sub, 0x8000000000000000, 1, 0x7fffffffffffffff)
  TEST_RR(51, subw, 0x80000000, 1, 0x7fffffff)
  TEST_RR(52, subw, 0x100000000, 1, -1)
  TEST_RI(53, addiw, 0, -1, -1)
  TEST_RI(54, addiw, 0xfffffffe7fffffff, 0x7ff, 0xffffffff800007fe)
  TEST_RI(55, addi, 0x7fffffffffffffff, 1, 0x8000000000000000)
  TEST_RR(56, sll, 1, 0xffffffffffffffc1, 2)   # only the low 6 bits of rs2 count
  TEST_RR(57, srl, -1, 0x7ff0000000000001, 0x7fffffffffffffff)
  TEST_RR(58, sra, 0x7fffffffffffffff, 62, 1)
  TEST_RR(59, sra, 0x8000000000000000, 0, 0x8000000000000000)
  TEST_RR(60, sraw, 0x80000000, 32, 0xffffffff80000000)  # low 5 bits: shift by 0, sign-extend
  TEST_RR(61, sllw, 1, 63, 0xffffffff80000000)
  TEST_RR(62, srlw, -1, 0, -1)
  TEST_RR(63, srlw, -1, 1, 0x7fffffff)
  TEST_RR(64, srlw, 0x1234567880000000, 31, 1)
  TEST_RR(65, sraw, 0x123456787fffffff, 30, 1)
  TEST_RR(66, sraw, 0x0000000080000000, 63, -1)
  TEST_RI(67, slli, 1, 63, 0x8000000000000000)
  TEST_RI(68, srli, 0x8000000000000000, 63, 1)
  TEST_RI(69, srai, 0x8000000000000000, 63, -1)
  TEST_RI(70, srai, 0x4000000000000000, 62, 1)
  TEST_RI(71, slliw, 1, 31, 0xffffffff80000000)
  TEST_RI(72, srliw, 0xffffffff80000000, 31, 1)
  TEST_RI(73, sraiw, 0x0000000080000000, 31, -1)
  TEST_RI(74, sraiw, 0x00000000ffffffff, 0, -1)  # sext.w
  TEST_RI(75, slliw, 0x180000000, 0, 0xffffffff80000000)
  TEST_RI(76, srliw, 0xffffffff00000001, 0, 1)
  TEST_RR(77, slt, 5, 5, 0)
  TEST_RR(78, sltu, 5, 5, 0)
  TEST_RR(79, slt, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RR(80, sltu, 0x8000000000000000, 0x7fffffffffffffff, 0)
  TEST_RR(81, sltu, 0, 1, 1)
  TEST_RI(82, slti, 0x7ff, 0x7ff, 0)
  TEST_RI(83, slti, 0x8000000000000000, -2048, 1)
  TEST_RI(84, sltiu, 0x800, -2048, 1)          # the immediate is sign-extended, then unsigned
  TEST_RI(85, sltiu, 0, 0, 0)
  TEST_RI(86, sltiu, 0xfffffffffffff800, -2048, 0)
  TEST_RI(87, andi, -1, 0x7ff, 0x7ff)
  TEST_RI(88, xori, 0x00ff00ff00ff00ff, -1, 0xff00ff00ff00ff00)
  TEST_RI(89, ori, 0x8000000000000000, 0x555, 0x8000000000000555)
  li TESTNUM, 90
  lui a0, 0x7ffff
  li t6, 0x7ffff000
  bne a0, t6, fail
  lui a0, 0xfffff
  li t6, -4096
  bne a0, t6, fail
  li TESTNUM, 91
92:auipc a0, 0x80000       # pc + the sign-extended 0xffffffff80000000
  la a1, 92b
  li t6, 0xffffffff80000000
  add a1, a1, t6
  bne a0, a1, fail
  li TESTNUM, 93
94:auipc a0, 0x7ffff
  la a1, 94b
  li t6, 0x7ffff000
  add a1, a1, t6
  bne a0, a1, fail
  # x0 ignores writes from loads, lui, jal
  li TESTNUM, 95
  la s1, buffer
  li t0, -1
  sd t0, 0(s1)
  ld x0, 0(s1)
  lui x0, 0x12345
  jal x0, 1f
1:bnez x0, fail
  # branches on equal operands and at the signed/unsigned boundary
  li a1, 5
  li a2, 5
  li TESTNUM, 96
  blt a1, a2, fail
  bltu a1, a2, fail
  bne a1, a2, fail
  bge a1, a2, 1f
  j fail
1:bgeu a1, a2, 1f
  j fail
1:li a1, 0x8000000000000000
  li a2, 0x7fffffffffffffff
  li TESTNUM, 97
  bge a1, a2, fail         # signed: a1 < a2
  bltu a1, a2, fail        # unsigned: a1 > a2
  blt a1, a2, 1f
  j fail
1:bgeu a1, a2, 1f
  j fail
  # a taken backward branch: counts 3 passes
1:li TESTNUM, 98
  li a0, 0
  li a1, 3
2:addi a0, a0, 1
  bltu a0, a1, 2b
  li t6, 3
  bne a0, t6, fail
  # jal backward; jalr with a negative offset and rd = rs1 (the target uses the old value)
  li TESTNUM, 99
  j 3f
4:la t1, 5f
  bne ra, t1, fail
  j 6f
3:jal ra, 4b
5:j fail
6:li TESTNUM, 100
  la t0, 7f + 8
  jalr t0, -8(t0)
8:j fail
7:la t1, 8b
  bne t0, t1, fail
  # loads: positive values are not sign-extended; negative offsets
  li TESTNUM, 101
  la s1, buffer
  li t0, 0x7fffffff7fff7f7f
  sd t0, 16(s1)
  addi s2, s1, 24
  lb a0, -8(s2);  li t6, 0x7f; bne a0, t6, fail
  lh a0, -8(s2);  li t6, 0x7f7f; bne a0, t6, fail
  lh a0, -6(s2);  li t6, 0x7fff; bne a0, t6, fail
  lw a0, -4(s2);  li t6, 0x7fffffff; bne a0, t6, fail
  ld a0, -8(s2);  bne a0, t0, fail
  # stores write only their width, whatever the upper bits of the source
  li TESTNUM, 102
  sd zero, 24(s1)
  li t0, 0x123456789abcdef0
  sb t0, 24(s1)
  sh t0, 26(s1)
  sw t0, 28(s1)
  ld a0, 24(s1); li t6, 0x9abcdef0def000f0; bne a0, t6, fail
  # misaligned halfword and word stores, and zero-extending misaligned loads
  li TESTNUM, 103
  sd zero, 32(s1)
  sd zero, 40(s1)
  li t0, 0xfedcba98
  sw t0, 33(s1)
  li t0, 0x8765
  sh t0, 39(s1)
  ld a0, 32(s1); li t6, 0x650000fedcba9800; bne a0, t6, fail
  ld a0, 40(s1); li t6, 0x87; bne a0, t6, fail
  lwu a0, 33(s1); li t6, 0xfedcba98; bne a0, t6, fail
  lw a0, 33(s1); li t6, 0xfffffffffedcba98; bne a0, t6, fail
  lhu a0, 39(s1); li t6, 0x8765; bne a0, t6, fail
  lh a0, 39(s1); li t6, 0xffffffffffff8765; bne a0, t6, fail
  # a misaligned word across the page boundary
  li TESTNUM, 104
  la s2, page_end
  li t0, 0xa1b2c3d4
  sw t0, -1(s2)
  lw a0, -1(s2); li t6, 0xffffffffa1b2c3d4; bne a0, t6, fail
  lbu a0, -1(s2); li t6, 0xd4; bne a0, t6, fail
  lbu a0, 2(s2); li t6, 0xa1; bne a0, t6, fail
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass
  TEST_END("isa-alu")

  .data
  .align 3
buffer: .space 64
  .align 12
  .space 4096 - 8
page_end: .space 16
