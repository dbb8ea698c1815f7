/* The kernel's only interface to the machine: SBI calls (ecall to the M-mode stub, or to a
   hypervisor's SBI when minios runs as a guest). */
#ifndef MINIOS_SBI_H
#define MINIOS_SBI_H

#include "types.h"

void sbi_console_putchar(int c);
void sbi_set_timer(uint64 stime);
void sbi_shutdown(int failure) __attribute__((noreturn));

#endif
