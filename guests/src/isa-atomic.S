# A extension: LR/SC success and failure, every AMO in .W and .D (old value in rd, .W results
# sign-extended, memory updated), and misaligned atomics trapping.
#include "test.h"
#define AMO(n, op, init, src, old, new) \
  li t0, init; sd t0, 0(s1); li a1, src; op a0, a1, (s1); CHECK(n, a0, old); ld a0, 0(s1); CHECK(n, a0, new)
  TEST_MAIN
  INSTALL_SKIP_HANDLER
  la s1, word
  # lr/sc pair succeeds and stores
  li TESTNUM, 2
  li t0, 5
  sd t0, 0(s1)
  lr.d a0, (s1)
  addi a0, a0, 1
  sc.d a2, a0, (s1)
  bnez a2, fail
  ld a0, 0(s1)
  CHECK(3, a0, 6)
  # sc without a reservation fails and does not store
  li t0, 99
  sc.d a2, t0, (s1)
  CHECK(4, a2, 1)
  ld a0, 0(s1)
  CHECK(5, a0, 6)
  # sc to an address outside the reservation set (another page) fails and does not store
  la s3, far
  sd zero, 0(s3)
  lr.d a0, (s1)
  sc.d a2, t0, (s3)
  CHECK(6, a2, 1)
  ld a0, 0(s3)
  CHECK(9, a0, 0)
  # a second sc after a successful one fails (every sc invalidates the reservation)
  lr.d a0, (s1)
  li t0, 77
  sc.d a2, t0, (s1)
  CHECK(40, a2, 0)
  li t0, 78
  sc.d a2, t0, (s1)
  CHECK(41, a2, 1)
  ld a0, 0(s1)
  CHECK(42, a0, 77)
  # lr.w/sc.w: the word only, the neighbouring word untouched
  li t0, 0x1111111122222222
  sd t0, 0(s1)
  lr.w a0, (s1)
  CHECK(43, a0, 0x22222222)
  li t0, 0xfedcba9876543210
  sc.w a2, t0, (s1)
  CHECK(44, a2, 0)
  ld a0, 0(s1)
  CHECK(45, a0, 0x1111111176543210)
  sc.w a2, zero, (s1)
  CHECK(46, a2, 1)
  # lr.w sign-extends
  li t0, 0x80000000
  sw t0, 0(s1)
  lr.w a0, (s1)
  CHECK(7, a0, 0xffffffff80000000)
  sc.w a2, zero, (s1)
  CHECK(8, a2, 0)
  # every AMO, doubleword
  AMO(10, amoswap.d, 1, 2, 1, 2)
  AMO(11, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
  AMO(12, amoxor.d, 0xff00, 0x0ff0, 0xff00, 0xf0f0)
  AMO(13, amoand.d, 0xff00, 0x0ff0, 0xff00, 0x0f00)
  AMO(14, amoor.d, 0xff00, 0x0ff0, 0xff00, 0xfff0)
  AMO(15, amomin.d, -1, 1, -1, -1)
  AMO(16, amomax.d, -1, 1, -1, 1)
  AMO(17, amominu.d, -1, 1, -1, 1)
  AMO(18, amomaxu.d, -1, 1, -1, -1)
  # words: old values sign-extended, the upper word untouched
  AMO(20, amoswap.w, 0x1111111180000000, 5, 0xffffffff80000000, 0x1111111100000005)
  AMO(21, amoadd.w, 0x22222222ffffffff, 1, -1, 0x2222222200000000)
  AMO(22, amoxor.w, 0xf0, 0xff, 0xf0, 0x0f)
  AMO(23, amoand.w, 0xf0, 0xff, 0xf0, 0xf0)
  AMO(24, amoor.w, 0xf0, 0x0f, 0xf0, 0xff)
  AMO(25, amomin.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000)
  AMO(26, amomax.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x7fffffff)
  AMO(27, amominu.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x7fffffff)
  AMO(28, amomaxu.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000)
  # the .W forms use the low 32 bits of rs2 only; rd = x0 still updates memory; rd = rs2
  AMO(47, amoadd.w, 5, 0xffffffff00000001, 5, 6)
  AMO(48, amomaxu.w, 5, 0x100000000, 5, 5)
  AMO(49, amomin.w, 5, 0x00000000ffffffff, 5, 0xffffffff)
  AMO(50, amominu.d, 5, 0xffffffff, 5, 5)
  li TESTNUM, 51
  li t0, 10
  sd t0, 0(s1)
  li a1, 3
  amoadd.d zero, a1, (s1)
  ld a0, 0(s1)
  li t6, 13
  bne a0, t6, fail
  li TESTNUM, 52
  li a1, 99
  amoswap.d a1, a1, (s1)
  li t6, 13
  bne a1, t6, fail
  ld a0, 0(s1)
  li t6, 99
  bne a0, t6, fail
  # a .W AMO on the upper word of a doubleword
  li TESTNUM, 53
  li t0, 0x7fffffff00000000
  sd t0, 0(s1)
  addi t1, s1, 4
  li a1, 1
  amoadd.w a0, a1, (t1)
  li t6, 0x7fffffff
  bne a0, t6, fail
  ld a0, 0(s1)
  li t6, 0x8000000000000000
  bne a0, t6, fail
  # misaligned atomics trap: store/AMO address misaligned (6); lr: load address misaligned (4)
  addi s2, s1, 2
t30: amoadd.w a0, a1, (s2)
  # The spec's cause is 6 (store/AMO address misaligned); QEMU 7.2 raises 4 for AMOs. Both are
  # accepted here so the program runs on both; test/core asserts vmlab's exact cause.
  li t6, 4
  bne s10, t6, 1f
  li s10, 6
1:CHECK_TRAP(30, 6, s2, t30)
  # A misaligned sc traps with cause 6 (vmlab, Spike); QEMU 7.2 fails it (rd = 1) without trapping
  # when there is no reservation. Either is accepted here.
  li a0, 0
  mv s7, s8
t31: sc.d a0, a1, (s2)
  beq s7, s8, 1f
  CHECK_TRAP(31, 6, s2, t31)
  j 2f
1:CHECK(31, a0, 1)
2:
t32: lr.d a0, (s2)
  CHECK_TRAP(32, 4, s2, t32)
  addi s2, s1, 4            # word-aligned, but not doubleword-aligned
t33: amoswap.d a0, a1, (s2)
  li t6, 4
  bne s10, t6, 1f
  li s10, 6
1:CHECK_TRAP(33, 6, s2, t33)
t34: lr.w a0, (s2)          # aligned for a word: no trap
  li TESTNUM, 34
  la t6, t33
  bne s9, t6, fail
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass
  SKIP_HANDLER
  TEST_END("isa-atomic")

  .data
  .align 4
word: .dword 0, 0
  .align 12
far: .dword 0
