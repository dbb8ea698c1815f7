/* Assembler macros for self-checking tests. TESTNUM (gp) holds the number of the running check;
   a failing check jumps to `fail`, which prints it and exits with it. */
#define TESTNUM gp

#define CHECK(n, reg, value) li TESTNUM, n; li t6, value; bne reg, t6, fail

/* rd = op(a, b) */
#define TEST_RR(n, op, a, b, expect) li a1, a; li a2, b; op a0, a1, a2; CHECK(n, a0, expect)
/* rd = op(a, imm) */
#define TEST_RI(n, op, a, imm, expect) li a1, a; op a0, a1, imm; CHECK(n, a0, expect)

/* Common epilogue: print "<name>: ok" and pass, or "<name>: FAIL <n>" and fail with n. */
#define TEST_END(name) \
pass: la a0, 9f; call puts_; li a0, 0; j exit; \
fail: mv s0, TESTNUM; la a0, 8f; call puts_; mv a0, s0; call putdec; li a0, 10; call putchar_; mv a0, s0; j exit; \
  .section .rodata; 9: .asciz name ": ok\n"; 8: .asciz name ": FAIL "; .text

/* An M-mode trap handler that records mcause in s10, mtval in s11 and mepc in s9, counts traps in
   s8, and resumes after the trapping instruction (2 or 4 bytes). Install with INSTALL_SKIP_HANDLER. */
#define INSTALL_SKIP_HANDLER la t0, skip_handler; csrw mtvec, t0; li s8, 0
#define SKIP_HANDLER \
  .align 2; \
skip_handler: \
  csrr s10, mcause; csrr s11, mtval; csrr s9, mepc; addi s8, s8, 1; \
  lhu t5, 0(s9); andi t5, t5, 3; li t4, 3; \
  addi s9, s9, 2; bne t5, t4, 1f; addi s9, s9, 2; \
1: csrw mepc, s9; csrr s9, mepc; addi s9, s9, -2; bne t5, t4, 2f; addi s9, s9, -2; \
2: mret

/* The last trap had this cause, the trap value in register `tv`, and happened at label `at`. */
#define CHECK_TRAP(n, cause, tv, at) li TESTNUM, n; li t6, cause; bne s10, t6, fail; bne s11, tv, fail; la t6, at; bne s9, t6, fail

/* A trap handler that records mcause/mtval/mepc (s10, s11, s9), counts traps in s8 and returns to
   M-mode at the address in s7, whatever mode trapped. Install with INSTALL_RETURN_HANDLER. */
#define INSTALL_RETURN_HANDLER la t0, return_handler; csrw mtvec, t0; li s8, 0
#define RETURN_HANDLER \
  .align 2; \
return_handler: \
  csrr s10, mcause; csrr s11, mtval; csrr s9, mepc; addi s8, s8, 1; \
  li t5, 0x1800; csrs mstatus, t5; csrw mepc, s7; mret

/* Runs `code` in privilege `mode` (0 U, 1 S); whatever trap ends it comes back to `cont` in M. */
#define RUN_IN(mode, code, cont) \
  la s7, cont; li t5, 0x1800; csrc mstatus, t5; li t5, (mode) << 11; csrs mstatus, t5; \
  la t5, code; csrw mepc, t5; mret

/* The last trap (recorded by a handler above) had this cause. */
#define CHECK_CAUSE(n, cause) li TESTNUM, n; li t6, cause; bne s10, t6, fail

/* Page-table entries: permission bits, and a leaf or pointer PTE for the physical address in a register. */
#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_A 64
#define PTE_D 128
#define PTE(reg_pa, flags, out) srli out, reg_pa, 12; slli out, out, 10; ori out, out, flags

/* The start of a test's main: a frame holding ra (the test ends with `ld ra, 8(sp)` or simply
   jumps to pass/fail, which exit). */
#define TEST_MAIN .text; .globl main; main: addi sp, sp, -16; sd ra, 8(sp)
