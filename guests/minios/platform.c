/* The bare-hardware platform: the M-mode stub's SBI for the console, power and the timer, its
   supervisor timer interrupt, WFI to idle, and all RAM after the kernel image. */
#include "platform.h"
#include "riscv.h"
#include "sbi.h"
#include "timer.h"

extern char __kernel_end[];

void platform_init(void) {}

void platform_putc(char c) { sbi_console_putchar(c); }

void platform_shutdown(int failure) { sbi_shutdown(failure); }

void platform_set_timer(uint64 deadline) {
  sbi_set_timer(deadline);
  csr_set(sie, SIE_STIE);
}

void platform_idle(void) {
  wfi();
  if (csr_read(sip) & SIE_STIE) timer_interrupt();
}

/* The only interrupt of the native kernel is the timer's (a tick, or a sleeper to wake). */
int platform_interrupt(uint64 scause) {
  if (scause != (SCAUSE_INTERRUPT | IRQ_S_TIMER)) return -1;
  return timer_interrupt() ? 1 : 0;
}

uint64 platform_mem_start(void) { return (uint64)__kernel_end; }
