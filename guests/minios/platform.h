/* What the kernel needs from the machine it runs on, implemented twice and chosen at build time:
   bare hardware with the M-mode stub's SBI (platform.c, timer.c, kmap.c, pt-native.h), or the
   Xen-style hypervisor (pv/: minios-pv.elf). */
#ifndef MINIOS_PLATFORM_H
#define MINIOS_PLATFORM_H

#include "types.h"

/* The first thing kmain does (PV: reads start_info, registers the trap handler, sets up events
   and the console). */
void platform_init(void);
void platform_putc(char c);
/* Powers off: exit status 0, or 1 on failure. */
void platform_shutdown(int failure) __attribute__((noreturn));
/* An interrupt (scause): -1 if it is not one the platform raises, 0 handled, 1 a timer tick
   (the caller reschedules). */
int platform_interrupt(uint64 scause);
/* The one-shot timer: at `deadline` (time-CSR units) the platform calls timer_interrupt(). */
void platform_set_timer(uint64 deadline);
/* Waits until an interrupt is pending (the kernel runs with SIE = 0) and handles it. */
void platform_idle(void);
/* The first byte of RAM the page allocator may hand out. */
uint64 platform_mem_start(void);

#endif
