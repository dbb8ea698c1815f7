#include "lib.h"
#define UART ((volatile u8 *)0x10000000)
#define UART_LSR 5
#define LSR_THRE 0x20

void putchar_(char c) {
  while (!(UART[UART_LSR] & LSR_THRE)) {}
  UART[0] = (u8)c;
}
void puts_(const char *s) { while (*s) putchar_(*s++); }
void puthex(u64 v) {
  puts_("0x");
  for (int i = 60; i >= 0; i -= 4) putchar_("0123456789abcdef"[(v >> i) & 15]);
}
void putdec(u64 v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putchar_(buf[--n]);
}

const char *test_name __attribute__((weak)) = "test";
void test_fail(int n, const char *what) {
  puts_(test_name);
  puts_(": FAIL ");
  putdec((u64)n);
  puts_(": ");
  puts_(what);
  putchar_('\n');
  exit(n);
}
void test_pass(void) {
  puts_(test_name);
  puts_(": ok\n");
  exit(0);
}
