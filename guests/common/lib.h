/* The guests' tiny runtime: UART console and exit. */
#ifndef VMLAB_GUEST_LIB_H
#define VMLAB_GUEST_LIB_H
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;

void putchar_(char c);
void puts_(const char *s);
void puthex(u64 v);
void putdec(u64 v);
void exit(int code) __attribute__((noreturn));
#endif
