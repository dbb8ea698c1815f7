/* Kernel console: formatted output one character at a time through the platform's console
   (platform.h). Output is unbuffered here, so everything printed before a panic or a hang is
   visible (a platform that buffers flushes at every newline and at shutdown). */
#include <stdarg.h>
#include "console.h"
#include "platform.h"

void kputc(char c) { platform_putc(c); }

void kputs(const char *s) {
  while (*s) kputc(*s++);
}

static void put_unsigned(uint64 v, unsigned base) {
  char digits[20]; /* 2^64 - 1 has 20 decimal digits */
  int n = 0;
  do {
    unsigned d = v % base;
    digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  while (n) kputc(digits[--n]);
}

static void put_signed(int64 v) {
  if (v < 0) {
    kputc('-');
    put_unsigned(-(uint64)v, 10);
  } else {
    put_unsigned((uint64)v, 10);
  }
}

static void vkprintf(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      kputc(*fmt);
      continue;
    }
    int is_long = 0;
    if (*++fmt == 'l') {
      is_long = 1;
      fmt++;
    }
    switch (*fmt) {
    case 'd': put_signed(is_long ? va_arg(ap, int64) : va_arg(ap, int)); break;
    case 'u': put_unsigned(is_long ? va_arg(ap, uint64) : va_arg(ap, unsigned), 10); break;
    case 'x': put_unsigned(is_long ? va_arg(ap, uint64) : va_arg(ap, unsigned), 16); break;
    case 'p': kputs("0x"); put_unsigned((uint64)va_arg(ap, void *), 16); break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      kputs(s ? s : "(null)");
      break;
    }
    case 'c': kputc((char)va_arg(ap, int)); break;
    case '%': kputc('%'); break;
    case 0: return; /* a lone '%' at the end */
    default: kputc('%'); kputc(*fmt); break;
    }
  }
}

void kprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
}

void panic(const char *fmt, ...) {
  va_list ap;
  kputs("minios: panic: ");
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
  kputc('\n');
  platform_shutdown(1);
}
