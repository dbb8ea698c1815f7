/* Kernel console output (through the SBI) and panic. */
#ifndef MINIOS_CONSOLE_H
#define MINIOS_CONSOLE_H

#include "types.h"

void kputc(char c);
void kputs(const char *s);
/* A small printf: %d %u %x (int), %ld %lu %lx (64-bit), %s, %c, %p, %%. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "minios: panic: ..." and powers off with failure. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
