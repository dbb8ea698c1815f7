# Self-modifying code: instructions rewritten in a page that has already run (patched through
# the same address and through a second virtual alias of the physical page) take effect after
# FENCE.I: a whole function, a loop rewriting its callee, code rewriting the next instruction of
# its own page, a compressed instruction, and the second half of a 4-byte instruction that
# straddles a page boundary.
#include "test.h"
#define LI_A0(v) (((v) << 20) | (10 << 7) | 0x13)   /* addi a0, zero, v */
  TEST_MAIN
  INSTALL_RETURN_HANDLER
  # 1. run, patch, fence.i, run again
  call patchable
  CHECK(2, a0, 1)
  la t0, patchable
  li t1, LI_A0(2)
  sw t1, 0(t0)
  fence.i
  call patchable
  CHECK(3, a0, 2)
  # 2. a loop that rewrites its own next instruction on every pass
  li s2, 0
  li s3, 5
  la s4, target
1:addi t1, s2, 100
  slli t1, t1, 20
  li t2, (10 << 7) | 0x13
  or t1, t1, t2           # addi a0, zero, 100 + i
  sw t1, 0(s4)
  fence.i
  call target
  addi t0, s2, 100
  li TESTNUM, 4
  bne a0, t0, fail
  addi s2, s2, 1
  blt s2, s3, 1b
  # 3. code that rewrites an instruction further on in its own page
  li a0, LI_A0(55)
  call same_page
  CHECK(8, a0, 55)
  li a0, LI_A0(66)
  call same_page
  CHECK(9, a0, 66)
  # 4. a compressed instruction: c.li a0, 5 becomes c.li a0, 9
  call cpatch
  CHECK(10, a0, 5)
  la t0, cpatch
  li t1, 0x4525           # c.li a0, 9
  sh t1, 0(t0)
  fence.i
  call cpatch
  CHECK(11, a0, 9)
  # 5. a 4-byte instruction at page offset 0xffe: rewrite its second half, in the next page
  call straddle
  CHECK(12, a0, 1)
  la t0, straddle
  li t1, 42 << 4          # the upper half of addi a0, zero, 42
  sh t1, 2(t0)
  fence.i
  call straddle
  CHECK(13, a0, 42)
  # 6. two virtual aliases of one physical code page (Sv39): write through one, run through the other
  la s1, root
  li t1, 0x80000000
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D, t0)
  sd t0, 16(s1)           # identity gigapage for RAM
  la s5, l1
  PTE(s5, PTE_V, t0)
  sd t0, 8(s1)            # VA 0x4000_0000 -> l1
  la s6, l0
  PTE(s6, PTE_V, t0)
  sd t0, 0(s5)            # l1[0] -> l0
  la t1, alias_page
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D, t0)
  sd t0, 0(s6)            # VA 0x4000_0000 -> alias_page
  sd t0, 8(s6)            # VA 0x4000_1000 -> alias_page too
  li t0, 8 << 60
  srli t1, s1, 12
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  RUN_IN(1, s_alias, 1f)
1:li TESTNUM, 5
  li t6, 9
  bne s10, t6, fail
  CHECK(6, a0, 7)         # before the patch, through VA 0x4000_1000
  CHECK(7, a1, 42)        # after patching through VA 0x4000_0000
  csrw satp, zero
  sfence.vma
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

s_alias:
  li s2, 0x40001000
  jalr s2                 # alias B: returns 7
  mv s3, a0
  li t0, 0x40000000
  li t1, LI_A0(42)
  sw t1, 0(t0)            # patch through alias A
  fence.i
  jalr s2                 # alias B again: 42
  mv a1, a0
  mv a0, s3
  ecall

  RETURN_HANDLER
  TEST_END("selfmod")

  .data
  .align 12
  .option push
  .option norvc           # patched instructions are 4 bytes
patchable:
  li a0, 1
  ret
  .align 4
target:
  li a0, 0
  ret
  .align 4
same_page:                # stores the instruction word a0 at 1f, then runs it
  la t0, 1f
  sw a0, 0(t0)
  fence.i
1:li a0, 3
  ret
  .option pop
  .option push
  .option rvc
  .align 4
cpatch:
  c.li a0, 5
  c.jr ra
  .option pop
  .option push
  .option norvc
  .align 12
  .skip 0xffe
straddle:                 # addi a0, zero, 1 across the page boundary, then ret
  addi a0, zero, 1
  ret
  .option pop
  .option push
  .option norvc
  .align 12
alias_page:
  .option push
  .option norvc
  li a0, 7
  ret
  .option pop
  .align 12
root: .space 4096
l1: .space 4096
l0: .space 4096
