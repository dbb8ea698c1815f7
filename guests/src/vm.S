# Virtual memory (Sv39, or Sv48 with -DSV48): the program builds its own page tables in M-mode
# (a 1 GiB identity gigapage for RAM, a 2 MiB megapage, 4 KiB pages with every permission mix),
# then checks from S- and U-mode: aliases, superpages, page faults with the right cause and stval
# (invalid, write to read-only, execute of non-X, U/S isolation, SUM, MXR, misaligned superpage,
# non-canonical address), A/D handling (Svade fault, or set by hardware as QEMU does), SFENCE.VMA
# after a PTE change, and MPRV.
#include "test.h"
#define VA_BASE 0x40000000
#ifdef SV48
#define a1_noncanon 0x0000800000000000   /* bit 47 set, bits 63:48 clear */
#else
#define a1_noncanon 0x0000004000000000   /* bit 38 set, bits 63:39 clear */
#endif
#define S_TRY(code) RUN_IN(1, code, 1f); 1:
/* Enters U-mode at the virtual address in `reg`; traps come back to `cont`. */
#define U_AT(reg, cont) la s7, cont; li t5, 0x1800; csrc mstatus, t5; csrw mepc, reg; mret
  TEST_MAIN
  INSTALL_RETURN_HANDLER
  # --- page tables ---
  la s1, root
#ifdef SV48
  la s2, l2
  PTE(s2, PTE_V, t0)
  sd t0, 0(s1)            # root[0] -> l2
#else
  mv s2, s1               # Sv39: the root is the level-2 table
#endif
  li t1, 0x80000000
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D, t0)
  sd t0, 16(s2)           # l2[2]: 1 GiB identity map of RAM, S-only
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 24(s2)           # l2[3]: 1 GiB alias at VA 0xC000_0000 -> PA 0x8000_0000
  li t1, 0x80200000
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 32(s2)           # l2[4]: a misaligned gigapage at VA 0x1_0000_0000
  la s3, l1
  PTE(s3, PTE_V, t0)
  sd t0, 8(s2)            # l2[1] -> l1 (VA 0x4000_0000..)
  la s4, l0
  PTE(s4, PTE_V, t0)
  sd t0, 0(s3)            # l1[0] -> l0
  li t1, 0x80000000
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 8(s3)            # l1[1]: 2 MiB megapage at VA 0x4020_0000 -> PA 0x8000_0000
  li t1, 0x80001000
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 16(s3)           # l1[2]: a misaligned megapage
  la t1, data
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0);   sd t0, 0(s4)     # VA+0x0000: data, RW
  la t1, data_u
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_U|PTE_A|PTE_D, t0); sd t0, 8(s4)     # VA+0x1000: data_u, user RW
  la t1, data
  PTE(t1, PTE_V|PTE_R|PTE_A, t0);       sd t0, 16(s4)    # VA+0x2000: read-only
  PTE(t1, PTE_V|PTE_X|PTE_A, t0);       sd t0, 24(s4)    # VA+0x3000: execute-only
  sd zero, 32(s4)                            # VA+0x4000: invalid
  la t1, data_ad
  PTE(t1, PTE_V|PTE_R|PTE_W, t0);       sd t0, 40(s4)    # VA+0x5000: A = 0
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A, t0);     sd t0, 48(s4)    # VA+0x6000: D = 0
  la t1, u_code
  PTE(t1, PTE_V|PTE_R|PTE_X|PTE_U|PTE_A, t0);   sd t0, 56(s4)    # VA+0x7000: user code
  la t1, data
  PTE(t1, PTE_V|PTE_W|PTE_A|PTE_D, t0);     sd t0, 64(s4)    # VA+0x8000: W without R (reserved)
  PTE(t1, PTE_V, t0);                     sd t0, 72(s4)    # VA+0x9000: a pointer PTE at level 0
  # --- turn paging on ---
#ifdef SV48
  li t0, 9 << 60
#else
  li t0, 8 << 60
#endif
  srli t1, s1, 12
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  la t0, data
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  la t0, data_u
  li t1, 0x99
  sd t1, 0(t0)
  li s6, VA_BASE
  # 1. a load through the alias sees the data; a store through it lands in memory
  mv a1, s6
  S_TRY(s_load)
  CHECK_CAUSE(2, 9)
  CHECK(3, a0, 0x1122334455667788)
  li a2, 0x5a5a
  S_TRY(s_store)
  la t0, data
  ld a0, 8(t0)
  CHECK(4, a0, 0x5a5a)
  # 2. the megapage maps VA 0x4020_0000 + off to 0x8000_0000 + off
  li a1, 0x40200000
  la t0, data
  li t1, 0x80000000
  sub t0, t0, t1
  add a1, a1, t0
  S_TRY(s_load)
  CHECK(5, a0, 0x1122334455667788)
  # 3. S may not touch a U page without SUM, may with SUM, and may never execute one
  li t0, 0x1000
  add a1, s6, t0
  S_TRY(s_load)
  CHECK_CAUSE(6, 13)
  CHECK(7, s11, VA_BASE + 0x1000)
  li t0, 1 << 18
  csrs mstatus, t0
  S_TRY(s_load)
  CHECK_CAUSE(8, 9)
  CHECK(9, a0, 0x99)
  li t0, 0x7000
  add a1, s6, t0
  S_TRY(s_jump)
  CHECK_CAUSE(10, 12)
  CHECK(11, s11, VA_BASE + 0x7000)
  li t0, 1 << 18
  csrc mstatus, t0
  # 4. store to a read-only page; load from execute-only without and with MXR; fetch from non-X
  li t0, 0x2000
  add a1, s6, t0
  S_TRY(s_store)
  CHECK_CAUSE(12, 15)
  CHECK(13, s11, VA_BASE + 0x2000 + 8)
  li t0, 0x3000
  add a1, s6, t0
  S_TRY(s_load)
  CHECK_CAUSE(14, 13)
  CHECK(50, s11, VA_BASE + 0x3000)
  S_TRY(s_store)          # a store to an execute-only page
  CHECK_CAUSE(51, 15)
  CHECK(52, s11, VA_BASE + 0x3000 + 8)
  li t0, 1 << 19
  csrs mstatus, t0
  S_TRY(s_load)
  CHECK_CAUSE(15, 9)
  CHECK(16, a0, 0x1122334455667788)
  csrc mstatus, t0
  mv a1, s6
  S_TRY(s_jump)
  CHECK_CAUSE(17, 12)
  CHECK(18, s11, VA_BASE)
  # 5. invalid PTE; misaligned megapage; non-canonical address
  li t0, 0x4000
  add a1, s6, t0
  S_TRY(s_load)
  CHECK_CAUSE(19, 13)
  CHECK(53, s11, VA_BASE + 0x4000)
  S_TRY(s_store)
  CHECK_CAUSE(54, 15)
  CHECK(55, s11, VA_BASE + 0x4000 + 8)
  li a1, 0x40400000
  S_TRY(s_load)
  CHECK_CAUSE(20, 13)
  CHECK(56, s11, 0x40400000)
  li a1, 0x100000000 + 0x1230   # the misaligned gigapage
  S_TRY(s_load)
  CHECK_CAUSE(57, 13)
  CHECK(58, s11, 0x100001230)
  li t0, 0x8000           # W without R
  add a1, s6, t0
  S_TRY(s_load)
  CHECK_CAUSE(59, 13)
  CHECK(60, s11, VA_BASE + 0x8000)
  S_TRY(s_store)
  CHECK_CAUSE(61, 15)
  CHECK(62, s11, VA_BASE + 0x8000 + 8)
  li t0, 0x9000           # a pointer at the last level
  add a1, s6, t0
  S_TRY(s_load)
  CHECK_CAUSE(63, 13)
  CHECK(64, s11, VA_BASE + 0x9000)
  S_TRY(s_jump)           # and a fetch from it
  CHECK_CAUSE(65, 12)
  CHECK(66, s11, VA_BASE + 0x9000)
  li a1, a1_noncanon
  S_TRY(s_load)
  CHECK_CAUSE(21, 13)
  CHECK(67, s11, a1_noncanon)
  li a1, a1_noncanon - 8
  S_TRY(s_store)          # the store address is a1 + 8
  CHECK_CAUSE(68, 15)
  CHECK(69, s11, a1_noncanon)
  li a1, a1_noncanon
  S_TRY(s_jump)
  CHECK_CAUSE(70, 12)
  CHECK(71, s11, a1_noncanon)
  # 6. A = 0: a page fault (Svade), or the hardware sets A (QEMU); D = 0 on a store likewise
  li t0, 0x5000
  add a1, s6, t0
  S_TRY(s_load)
  ld t1, 40(s4)
  andi t1, t1, PTE_A
  li TESTNUM, 22
  bnez t1, 1f             # A was set by the hardware: the load must have worked
  li t6, 13
  bne s10, t6, fail
  j 2f
1:li t6, 9
  bne s10, t6, fail
2:li t0, 0x6000
  add a1, s6, t0
  S_TRY(s_store)
  ld t1, 48(s4)
  andi t1, t1, PTE_D
  li TESTNUM, 23
  bnez t1, 1f
  li t6, 15
  bne s10, t6, fail
  j 2f
1:li t6, 9
  bne s10, t6, fail
  # 7. U-mode runs user code through its mapping, and may not touch S pages
2:li t0, 0x7000
  add t1, s6, t0
  mv a1, s6
  U_AT(t1, 1f)
1:CHECK_CAUSE(24, 13)     # the user code loaded from an S page
  CHECK(25, s11, VA_BASE)
  li t0, 0x1000
  add a1, s6, t0
  li t0, 0x7000
  add t1, s6, t0
  U_AT(t1, 1f)
1:CHECK_CAUSE(26, 8)      # a user page: the load works and the code ecalls
  CHECK(27, a0, 0x99)
  # U-mode may not execute an S page
  li t0, 0x3000
  add t1, s6, t0
  U_AT(t1, 1f)
1:CHECK_CAUSE(72, 12)
  CHECK(73, s11, VA_BASE + 0x3000)
  # the 1 GiB alias at VA 0xC000_0000 reads and writes RAM
  la t0, data
  li t1, 0x80000000
  sub t0, t0, t1
  li a1, 0xc0000000
  add a1, a1, t0
  S_TRY(s_load)
  CHECK_CAUSE(74, 9)
  CHECK(75, a0, 0x1122334455667788)
  li a2, 0x6b6b
  S_TRY(s_store)
  la t0, data
  ld a0, 8(t0)
  CHECK(76, a0, 0x6b6b)
  # page faults delegated to S (medeleg): scause, stval, sepc in the S handler
  la t0, s_pf_handler
  csrw stvec, t0
  li t0, (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  li t0, 0x4000
  add a1, s6, t0
  li a3, 0
  S_TRY(s_load)
  CHECK_CAUSE(77, 3)      # the S handler leaves with an ebreak
  CHECK(78, a3, 13)
  CHECK(79, a4, VA_BASE + 0x4000)
  la t0, s_load
  li TESTNUM, 80
  bne a5, t0, fail
  li t0, 0x2000
  add a1, s6, t0
  S_TRY(s_store)
  CHECK(81, a3, 15)
  CHECK(82, a4, VA_BASE + 0x2000 + 8)
  li t0, 0x3000           # from U: an S page, execute-only
  add t1, s6, t0
  U_AT(t1, 1f)
1:CHECK(83, a3, 12)
  CHECK(84, a4, VA_BASE + 0x3000)
  CHECK(85, a5, VA_BASE + 0x3000)
  csrw medeleg, zero
  # 8. change a PTE, SFENCE.VMA, and the new mapping is used
  la t1, data_u
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 0(s4)
  sfence.vma
  mv a1, s6
  S_TRY(s_load)
  CHECK(28, a0, 0x99)
  la t1, data
  PTE(t1, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D, t0)
  sd t0, 0(s4)
  sfence.vma
  # 9. MPRV: M-mode loads translate as S when MPP = S; a bad address faults
  li t0, 0x1800
  csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17)
  csrs mstatus, t0
  ld a0, 0(s6)
  li t0, 1 << 17
  csrc mstatus, t0
  CHECK(29, a0, 0x1122334455667788)
  la s7, 1f
  li t0, (1 << 11) | (1 << 17)
  csrs mstatus, t0
  li t1, 0x4000
  add t1, s6, t1
  ld a0, 0(t1)
1:li t0, 1 << 17
  csrc mstatus, t0
  CHECK_CAUSE(30, 13)
  csrw satp, zero
  sfence.vma
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

s_load:
  ld a0, 0(a1)
  ecall
s_store:
  sd a2, 8(a1)
  ecall
s_jump:
  jr a1
  # The S handler of delegated page faults: scause a3, stval a4, sepc a5; leaves with an ebreak.
  .align 2
s_pf_handler:
  csrr a3, scause
  csrr a4, stval
  csrr a5, sepc
  ebreak

  RETURN_HANDLER
#ifdef SV48
  TEST_END("vm-sv48")
#else
  TEST_END("vm-sv39")
#endif

  .text
  .align 12
u_code:                   # runs in U-mode at VA_BASE + 0x7000
  ld a0, 0(a1)
  ecall
  .align 12

  .data
  .align 12
root: .space 4096
#ifdef SV48
l2: .space 4096
#endif
l1: .space 4096
l0: .space 4096
data: .space 4096
data_u: .space 4096
data_ad: .space 4096
