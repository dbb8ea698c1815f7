/* The bare-hardware platform: the M-mode stub's SBI for the console and power, its supervisor
   timer interrupt for the tick, and all RAM after the kernel image. */
#include "platform.h"
#include "riscv.h"
#include "sbi.h"
#include "timer.h"

extern char __kernel_end[];

void platform_init(void) {}

void platform_putc(char c) { sbi_console_putchar(c); }

void platform_shutdown(int failure) { sbi_shutdown(failure); }

/* The only interrupt of the native kernel is the tick. */
int platform_interrupt(uint64 scause) {
  if (scause != (SCAUSE_INTERRUPT | IRQ_S_TIMER)) return -1;
  timer_interrupt();
  return 1;
}

uint64 platform_mem_start(void) { return (uint64)__kernel_end; }
