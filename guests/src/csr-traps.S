# Machine and supervisor CSRs, their privilege and read-only rules, WARL fields, every synchronous
# exception cause with its trap value, delegation to S-mode, and the TSR/TW/TVM and counter-enable
# controls.
#include "test.h"
  TEST_MAIN
  INSTALL_SKIP_HANDLER
  # misa: RV64 with I, M, A, C, S, U; hart 0
  csrr a0, misa
  srli t0, a0, 62
  CHECK(2, t0, 2)
  li t1, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
  and t0, a0, t1
  CHECK(3, t0, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20))
  csrr a0, mhartid
  CHECK(4, a0, 0)
  # mstatus: UXL = SXL = 2 (64-bit)
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 15
  CHECK(5, a0, 0xa)
  # scratch registers, epc alignment, WARL mtvec modes
  li t0, 0x5a5a5a5a5a5a5a5a
  csrw mscratch, t0
  csrr a0, mscratch
  CHECK(6, a0, 0x5a5a5a5a5a5a5a5a)
  csrrw a0, mscratch, zero
  CHECK(7, a0, 0x5a5a5a5a5a5a5a5a)
  li t0, 0x1002
  csrw mepc, t0
  csrr a0, mepc
  CHECK(8, a0, 0x1002)
  csrr s1, mtvec
  li t0, 0x80000002
  csrw mtvec, t0
  csrr a0, mtvec
  li TESTNUM, 9
  bne a0, s1, fail
  csrw mtvec, s1
  # csrrs/csrrc with x0 read without writing; set and clear bits
  li t0, 0xf0
  csrw sscratch, t0
  csrrs a0, sscratch, 0x0f
  csrr a1, sscratch
  CHECK(10, a1, 0xff)
  csrrci a0, sscratch, 0x3
  csrr a1, sscratch
  CHECK(11, a1, 0xfc)
  # illegal instructions: mtval holds the instruction bits
t12: .half 0x0000
  la t0, t12
  li t1, 0
  CHECK_TRAP(12, 2, t1, t12)
t13: .word 0xffffffff
  li t1, 0xffffffff
  CHECK_TRAP(13, 2, t1, t13)
  # a CSR that does not exist, and writes to read-only CSRs, are illegal
t14: csrr a0, 0x7c0
  CHECK_CAUSE(14, 2)
t15: csrw mvendorid, zero
  CHECK_CAUSE(15, 2)
t16: csrw cycle, zero
  CHECK_CAUSE(16, 2)
  li s8, 0
  csrr a0, mvendorid
  csrr a0, cycle
  CHECK(17, s8, 0)
  # ecall from M, breakpoint (tval = pc, or 0 on QEMU 7.2)
t18: ecall
  CHECK_CAUSE(18, 11)
t19: ebreak
  CHECK_CAUSE(19, 3)
  # load and store access faults at unmapped addresses: tval = the address
  li s2, 0x10010000         # a hole in the virt memory map
t20: ld a0, 0(s2)
  CHECK_TRAP(20, 5, s2, t20)
t21: sw a0, 8(s2)
  addi s3, s2, 8
  CHECK_TRAP(21, 7, s3, t21)
  li s2, 0
t22: lb a0, 0(s2)
  CHECK_TRAP(22, 5, s2, t22)

  # From here on, traps return to M-mode at the continuation in s7.
  INSTALL_RETURN_HANDLER
  # instruction access fault: epc and tval are the target
  la s7, 1f
  li s2, 0x10010000
  jr s2
1:CHECK_CAUSE(23, 1)
  CHECK(24, s11, 0x10010000)
  CHECK(25, s9, 0x10010000)
  # ecall from S and from U
  RUN_IN(1, s_ecall, 1f)
1:CHECK_CAUSE(26, 9)
  RUN_IN(0, u_ecall, 1f)
1:CHECK_CAUSE(27, 8)
  # S-mode may not touch M CSRs; U-mode may not touch S CSRs
  RUN_IN(1, s_mstatus, 1f)
1:CHECK_CAUSE(28, 2)
  RUN_IN(0, u_sstatus, 1f)
1:CHECK_CAUSE(29, 2)
  # mret: MIE <- MPIE, MPIE <- 1, MPP <- U
  li t0, 0x1888
  csrc mstatus, t0
  li t0, 0x1880
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, mstatus
  andi a0, a0, 0x88
  CHECK(30, a0, 0x88)
  csrr a0, mstatus
  li t0, 0x1800
  and a0, a0, t0
  CHECK(31, a0, 0)
  csrci mstatus, 8
  # delegation: ecall from U goes to the S handler (scause, sepc, SPP = U)
  la t0, s_handler
  csrw stvec, t0
  li t0, 1 << 8
  csrw medeleg, t0
  RUN_IN(0, u_ecall, 1f)
1:CHECK_CAUSE(32, 9)      # the S handler ends with an ecall from S
  CHECK(33, s6, 8)        # scause seen by the S handler
  la t0, u_ecall
  li TESTNUM, 34
  bne s5, t0, fail
  csrw medeleg, zero
  # (medeleg[11] is read-only zero by the spec, but QEMU 7.2 lets it be written: test/core checks it.)
  # TSR: sret in S is illegal; TW: wfi in S is illegal; TVM: satp and sfence.vma in S are illegal
  li t0, 1 << 22
  csrs mstatus, t0
  RUN_IN(1, s_sret, 1f)
1:CHECK_CAUSE(36, 2)
  csrc mstatus, t0
  li t0, 1 << 21
  csrs mstatus, t0
  RUN_IN(1, s_wfi, 1f)
1:CHECK_CAUSE(37, 2)
  csrc mstatus, t0
  RUN_IN(0, u_wfi, 1f)
1:CHECK_CAUSE(38, 2)
  li t0, 1 << 20
  csrs mstatus, t0
  RUN_IN(1, s_satp, 1f)
1:CHECK_CAUSE(39, 2)
  RUN_IN(1, s_sfence, 1f)
1:CHECK_CAUSE(40, 2)
  csrc mstatus, t0
  # counter enables: cycle from S needs mcounteren.CY; time from U needs scounteren.TM too
  csrw mcounteren, zero
  RUN_IN(1, s_rdcycle, 1f)
1:CHECK_CAUSE(41, 2)
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, zero
  RUN_IN(0, u_rdtime, 1f)
1:CHECK_CAUSE(42, 2)
  csrw scounteren, t0
  RUN_IN(0, u_rdtime, 1f)
1:CHECK_CAUSE(43, 8)      # the U code reads time, then ecalls
  # cycle and instret advance (exact counts are checked by test/core: QEMU counts host ticks)
  li TESTNUM, 44
  rdinstret a0
  nop
  rdinstret a1
  bgeu a0, a1, fail
  rdcycle a0
  nop
  rdcycle a1
  bgeu a0, a1, fail
  ld ra, 8(sp)
  addi sp, sp, 16
  j pass

s_ecall: ecall
u_ecall: ecall
s_mstatus: csrr a0, mstatus
  ecall
u_sstatus: csrr a0, sstatus
  ecall
s_sret: sret
s_wfi: wfi
  ecall
u_wfi: wfi
  ecall
s_satp: csrr a0, satp
  ecall
s_sfence: sfence.vma
  ecall
s_rdcycle: rdcycle a0
  ecall
u_rdtime: rdtime a0
  ecall
  .align 2
s_handler:
  csrr s6, scause
  csrr s5, sepc
  ecall

  SKIP_HANDLER
  RETURN_HANDLER
  TEST_END("csr-traps")
