# The M-mode stub: minios's firmware, the part of the image that runs in M-mode. It does what
# OpenSBI does for a kernel on QEMU's virt machine, and no more:
#   - at reset (0x8000_0000, hart 0): opens PMP, delegates to S-mode every exception and interrupt
#     the kernel handles, lets S read the counters, and enters the kernel at kernel_entry in S-mode
#     with a0 = hart id (0), a1 = 0 (no device tree), paging off;
#   - afterwards: the SBI calls the kernel makes (ecall from S) and the machine timer interrupt.
# The kernel touches no device itself, so a hypervisor can replace this stub by its own SBI and
# start the kernel directly at kernel_entry (0x8020_0000) in (V)S-mode.
#
# SBI calls: a7 = extension id, a6 = function id, a0.. arguments; a0 = error, a1 = value (legacy
# extensions return a0 only and preserve a1). Implemented:
#   0x01       legacy console_putchar(a0 = char)    NS16550 THR, polling LSR.THRE
#   0x08       legacy shutdown()                    power off (HTIF tohost, SiFive finisher): pass
#   "TIME" f0  set_timer(a0 = absolute time)        CLINT mtimecmp; clears STIP, enables MTIE
#   "SRST" f0  system_reset(a0 = type, a1 = reason) power off: pass if reason 0 (none), fail
#                                                   (exit 1) if reason 1 (system failure)
# Anything else returns SBI_ERR_NOT_SUPPORTED (-2). The machine timer interrupt raises STIP (the
# kernel sees a supervisor timer interrupt) and masks MTIE until the next set_timer: the timer is
# one-shot, as in the SBI specification.

#define UART_BASE       0x10000000
#define UART_LSR        5
#define LSR_THRE        0x20          /* transmit holding register empty */
#define LSR_TEMT        0x40          /* transmitter empty: everything sent */
#define CLINT_MTIMECMP  0x02004000    /* hart 0 */
#define FINISHER        0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333

#define MIP_STIP        (1 << 5)
#define MIE_MTIE        (1 << 7)
#define IRQ_M_TIMER     7
#define CAUSE_ECALL_S   9

/* Exceptions S-mode handles: instruction/load/store misaligned and access faults, illegal
   instruction, breakpoint, ecall from U, instruction/load/store page faults. Ecall from S stays
   here: it is the SBI. */
#define MEDELEG_BITS    ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | \
                         (1 << 6) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15))
/* Supervisor software, timer and external interrupts. */
#define MIDELEG_BITS    ((1 << 1) | (1 << 5) | (1 << 9))
#define MSTATUS_MPP     (3 << 11)
#define MSTATUS_MPP_S   (1 << 11)

#define SBI_EXT_LEGACY_PUTCHAR  0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_TIME            0x54494D45
#define SBI_EXT_SRST            0x53525354
#define SBI_ERR_NOT_SUPPORTED   -2
#define SBI_ERR_INVALID_PARAM   -3

/* Save area slots (the stub only uses ra, t0-t6 and a0/a1). */
#define SAVE_RA 0
#define SAVE_T0 8
#define SAVE_T1 16
#define SAVE_T2 24
#define SAVE_T3 32
#define SAVE_T4 40
#define SAVE_T5 48
#define SAVE_T6 56
#define SAVE_A1 64

  .section .mstub.text, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park                 # minios is uniprocessor: other harts sleep
  # PMP: one NAPOT region over the whole address space, RWX, so S and U may access memory at all
  # (QEMU enforces PMP; with no entry set, S and U would fault on everything).
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, m_trap
  csrw mtvec, t0
  la t0, m_save_area
  csrw mscratch, t0
  li t0, MEDELEG_BITS
  csrw medeleg, t0
  li t0, MIDELEG_BITS
  csrw mideleg, t0
  csrw mie, zero                # MTIE is enabled by the first set_timer
  li t0, 7                      # S may read cycle, time and instret
  csrw mcounteren, t0
  csrw satp, zero
  # mret to kernel_entry in S-mode with interrupts off.
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  la t0, kernel_entry
  csrw mepc, t0
  li a0, 0                      # hart id
  li a1, 0                      # no device tree
  mret

park:
  wfi
  j park

# Every trap taken in M-mode. M-mode runs with MIE = 0, so traps never nest here.
  .balign 4
m_trap:
  csrrw sp, mscratch, sp        # sp = save area, mscratch = the interrupted sp
  sd ra, SAVE_RA(sp)
  sd t0, SAVE_T0(sp)
  sd t1, SAVE_T1(sp)
  sd t2, SAVE_T2(sp)
  sd t3, SAVE_T3(sp)
  sd t4, SAVE_T4(sp)
  sd t5, SAVE_T5(sp)
  sd t6, SAVE_T6(sp)
  sd a1, SAVE_A1(sp)
  csrr t0, mcause
  bltz t0, m_interrupt
  li t1, CAUSE_ECALL_S
  bne t0, t1, m_unexpected
  csrr t0, mepc                 # return past the ecall
  addi t0, t0, 4
  csrw mepc, t0
  li t0, SBI_EXT_LEGACY_PUTCHAR
  beq a7, t0, sbi_legacy_putchar
  li t0, SBI_EXT_TIME
  beq a7, t0, sbi_time
  li t0, SBI_EXT_SRST
  beq a7, t0, sbi_srst
  li t0, SBI_EXT_LEGACY_SHUTDOWN
  beq a7, t0, sbi_legacy_shutdown
sbi_not_supported:
  li a0, SBI_ERR_NOT_SUPPORTED
  li a1, 0
  j m_return_a1

sbi_legacy_putchar:
  jal m_putchar
  li a0, 0
  j m_return

sbi_time:
  bnez a6, sbi_not_supported
  li t0, CLINT_MTIMECMP
  sd a0, 0(t0)
  li t0, MIP_STIP               # the new deadline replaces a pending tick
  csrc mip, t0
  li t0, MIE_MTIE
  csrs mie, t0
  li a0, 0
  li a1, 0
  j m_return_a1

sbi_srst:
  bnez a6, sbi_not_supported
  li t0, 2                      # types: 0 shutdown, 1 cold reboot, 2 warm reboot; a reboot
  bgtu a0, t0, sbi_invalid_param  # powers off too (the finisher cannot reset)
  li t0, 1                      # reasons: 0 none, 1 system failure
  bgtu a1, t0, sbi_invalid_param
  mv a0, a1                     # exit code = reason
  j m_exit
sbi_invalid_param:
  li a0, SBI_ERR_INVALID_PARAM
  li a1, 0
  j m_return_a1

sbi_legacy_shutdown:
  li a0, 0
  j m_exit

m_interrupt:
  slli t0, t0, 1                # drop the interrupt bit
  srli t0, t0, 1
  li t1, IRQ_M_TIMER
  bne t0, t1, m_unexpected
  li t0, MIP_STIP               # pass the tick on to S-mode
  csrs mip, t0
  li t0, MIE_MTIE               # one-shot: quiet until the next set_timer
  csrc mie, t0
  # fall through: an interrupt changes no register

m_return:
  ld a1, SAVE_A1(sp)
m_return_a1:
  ld ra, SAVE_RA(sp)
  ld t0, SAVE_T0(sp)
  ld t1, SAVE_T1(sp)
  ld t2, SAVE_T2(sp)
  ld t3, SAVE_T3(sp)
  ld t4, SAVE_T4(sp)
  ld t5, SAVE_T5(sp)
  ld t6, SAVE_T6(sp)
  csrrw sp, mscratch, sp
  mret

# A trap the stub does not handle (an M-mode bug or an undelegated cause): report it and fail.
m_unexpected:
  la a0, msg_unexpected
  jal m_puts
  csrr a0, mcause
  jal m_puthex
  la a0, msg_mepc
  jal m_puts
  csrr a0, mepc
  jal m_puthex
  la a0, msg_mtval
  jal m_puts
  csrr a0, mtval
  jal m_puthex
  li a0, '\n'
  jal m_putchar
  li a0, 1
  j m_exit

# m_exit(a0 = code): waits until the UART has sent everything, then powers off the way every
# guest of this repository does (guests/common/crt.S): HTIF tohost ((code << 1) | 1; vmlab stops
# here), then the SiFive test finisher (0x5555 pass, (code << 16) | 0x3333 fail; QEMU virt stops
# here). Never returns.
m_exit:
  li t0, UART_BASE
1:lbu t1, UART_LSR(t0)
  andi t1, t1, LSR_TEMT
  beqz t1, 1b
  slli t1, a0, 1
  ori t1, t1, 1
  la t0, tohost
  sd t1, 0(t0)
  li t0, FINISHER
  li t1, FINISHER_PASS
  beqz a0, 2f
  slli t1, a0, 16
  li t2, FINISHER_FAIL
  or t1, t1, t2
2:sw t1, 0(t0)
3:wfi                           # not reached on QEMU or vmlab
  j 3b

# m_putchar(a0 = char). Uses t0, t1.
m_putchar:
  li t0, UART_BASE
1:lbu t1, UART_LSR(t0)
  andi t1, t1, LSR_THRE
  beqz t1, 1b
  sb a0, 0(t0)
  ret

# m_puts(a0 = string). Uses t0-t3 and ra (link in t3).
m_puts:
  mv t3, ra
  mv t2, a0
1:lbu a0, 0(t2)
  beqz a0, 2f
  jal m_putchar
  addi t2, t2, 1
  j 1b
2:mv ra, t3
  ret

# m_puthex(a0 = value): "0x" and 16 hex digits. Uses t0-t5 and ra (link in t3).
m_puthex:
  mv t3, ra
  mv t4, a0
  li a0, '0'
  jal m_putchar
  li a0, 'x'
  jal m_putchar
  li t5, 60
1:srl a0, t4, t5
  andi a0, a0, 15
  addi a0, a0, '0'
  li t2, '9'
  ble a0, t2, 2f
  addi a0, a0, 'a' - '0' - 10
2:jal m_putchar
  addi t5, t5, -4
  bgez t5, 1b
  mv ra, t3
  ret

  .section .mstub.rodata, "a", @progbits
msg_unexpected: .asciz "m-stub: unexpected trap mcause="
msg_mepc: .asciz " mepc="
msg_mtval: .asciz " mtval="

# Written at run time, so in a page apart from the stub's code.
  .section .mstub.data, "aw", @progbits
  .balign 16
m_save_area: .space 16 * 8

# HTIF (the riscv-tests convention): only tohost is used, to power off.
  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost: .dword 0
  .balign 64
  .globl fromhost
fromhost: .dword 0
