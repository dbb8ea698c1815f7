/* Boot and halt. */
#ifndef MINIOS_MAIN_H
#define MINIOS_MAIN_H

#include "proc.h"

void kmain(void) __attribute__((noreturn));
/* init has exited: checks that every page came back, reports and powers off. */
void kernel_halt(struct proc *init) __attribute__((noreturn));

#endif
