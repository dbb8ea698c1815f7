# M extension: products and high halves with negative operands, division by zero and the
# INT_MIN / -1 overflow, and the W forms with their sign extension.
#include "test.h"
#define MIN 0x8000000000000000
  TEST_MAIN
  TEST_RR(2, mul, 0x123456789, 0x987654321, 0xd77d742cce1833a9)
  TEST_RR(3, mul, -3, 7, -21)
  TEST_RR(4, mulh, -1, -1, 0)
  TEST_RR(5, mulh, MIN, MIN, 0x4000000000000000)
  TEST_RR(6, mulh, MIN, 1, -1)
  TEST_RR(7, mulhu, -1, -1, 0xfffffffffffffffe)
  TEST_RR(8, mulhu, 0x8000000000000001, 2, 1)
  TEST_RR(9, mulhsu, -1, -1, -1)
  TEST_RR(10, mulhsu, MIN, 2, -1)
  TEST_RR(11, mulhsu, 2, MIN, 1)
  TEST_RR(12, mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff)
  TEST_RR(13, mulw, 0x7fffffff, 2, 0xfffffffffffffffe)
  TEST_RR(14, mulw, 0x100000003, 0x100000005, 15)
  TEST_RR(15, div, -7, 2, -3)
  TEST_RR(16, rem, -7, 2, -1)
  TEST_RR(17, divu, -7, 2, 0x7ffffffffffffffc)
  TEST_RR(18, remu, -7, 2, 1)
  TEST_RR(19, div, 5, 0, -1)
  TEST_RR(20, divu, 5, 0, -1)
  TEST_RR(21, rem, 5, 0, 5)
  TEST_RR(22, remu, -5, 0, -5)
  TEST_RR(23, div, MIN, -1, MIN)
  TEST_RR(24, rem, MIN, -1, 0)
  TEST_RR(25, divw, 0x80000000, -1, 0xffffffff80000000)
  TEST_RR(26, remw, 0x80000000, -1, 0)
  TEST_RR(27, divw, -7, 0, -1)
  TEST_RR(28, remw, 0x1fffffff9, 0, -7)
  TEST_RR(29, divuw, 0xfffffff9, 2, 0x7ffffffc)
  TEST_RR(30, remuw, 0xfffffff9, 0, 0xfffffffffffffff9)
  TEST_RR(31, divuw, 0xffffffff80000000, 1, 0xffffffff80000000)
  TEST_RR(32, divw, 0x500000014, 0x300000004, 5)
  TEST_RR(33, mulhsu, 0x7fffffffffffffff, -1, 0x7ffffffffffffffe)
  TEST_RR(34, mulhsu, -2, 3, -1)
  TEST_RR(35, mulhsu, MIN, -1, 0x8000000000000000)
  TEST_RR(36, mulh, -2, 3, -1)
  TEST_RR(37, mulh, MIN, 0x7fffffffffffffff, 0xc000000000000000)
  TEST_RR(38, mulhu, -1, 2, 1)
  TEST_RR(39, mulhu, 0xdeadbeefcafebabe, 0x123456789abcdef0, 0x0fd5bdeeeb2a01d7)
  TEST_RR(40, mul, 0xdeadbeefcafebabe, 0x123456789abcdef0, 0xeb689f4ea447d620)
  TEST_RR(41, mulw, -2, 3, -6)
  TEST_RR(42, mulw, 0x80000000, 0x80000000, 0)
  TEST_RR(43, mulw, 0x10000, 0x8000, 0xffffffff80000000)
  TEST_RR(44, mulw, 0x12345678, 0x9abcdef0, 0x242d2080)
  TEST_RR(45, div, 7, -2, -3)
  TEST_RR(46, rem, 7, -2, 1)
  TEST_RR(47, div, -7, -2, 3)
  TEST_RR(48, rem, -7, -2, -1)
  TEST_RR(49, divu, MIN, 3, 0x2aaaaaaaaaaaaaaa)
  TEST_RR(50, remu, MIN, 3, 2)
  TEST_RR(51, divw, 0x12345678fffffff9, 2, -3)
  TEST_RR(52, remw, 0x12345678fffffff9, 2, -1)
  TEST_RR(53, divuw, 0xffffffff, 1, -1)
  TEST_RR(54, divuw, 0x1234567800000005, 0, -1)
  TEST_RR(55, remuw, 0x80000000, 3, 2)
  TEST_RR(56, divuw, 0xffffffff80000000, 3, 0x2aaaaaaa)
  TEST_RR(57, remu, 0, 0, 0)
  TEST_RR(58, div, 0, 0, -1)
  # rd = rs1 = rs2
  li TESTNUM, 59
  li a0, -3
  mul a0, a0, a0
  li t6, 9
  bne a0, t6, fail
  li a0, -9
  div a0, a0, a0
  li t6, 1
  bne a0, t6, fail
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass
  TEST_END("isa-muldiv")
