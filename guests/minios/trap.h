/* Trap handling (entered from trapvec.S). */
#ifndef MINIOS_TRAP_H
#define MINIOS_TRAP_H

#include "trapframe.h"

void user_trap(struct trapframe *tf);
void kernel_trap(struct trapframe *tf) __attribute__((noreturn));

#endif
