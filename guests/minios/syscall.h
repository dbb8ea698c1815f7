/* System call dispatch. */
#ifndef MINIOS_SYSCALL_H
#define MINIOS_SYSCALL_H

#include "trapframe.h"

void syscall(struct trapframe *tf);

#endif
