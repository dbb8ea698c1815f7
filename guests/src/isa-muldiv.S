# M extension: products and high halves with negative operands, division by zero and the
# INT_MIN / -1 overflow, and the W forms with their sign extension.
#include "test.h"
#define MIN 0x8000000000000000
  .text
  .globl main
main:
  addi sp, sp, -16
  sd ra, 8(sp)
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
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass
  TEST_END("isa-muldiv")
