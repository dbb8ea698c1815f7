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
void exit(int code) __attribute__((noreturn));   /* 0 pass, n fail with n (common/crt.S) */

/* Self-checking C programs: CHECK(cond, n) fails the program with test number n (printing
   "NAME: FAIL n: cond") when cond is false; test_pass() prints "NAME: ok" and exits 0. */
extern const char *test_name;
void test_fail(int n, const char *what) __attribute__((noreturn));
void test_pass(void) __attribute__((noreturn));
#define CHECK(cond, n) do { if (!(cond)) test_fail((n), #cond); } while (0)
#endif
