/* Memory and string helpers. memset and memcpy move 8 bytes at a time when both ends allow it:
   the kernel zeroes and copies whole pages (fork, exec, sbrk). */
#include "string.h"

void *memset(void *dst, int c, size_t n) {
  uint8 *d = dst;
  if ((((uintptr)d | n) & 7) == 0) {
    uint64 word = (uint8)c * 0x0101010101010101UL;
    for (uint64 *w = dst; n; n -= 8) *w++ = word;
    return dst;
  }
  while (n--) *d++ = (uint8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  if ((((uintptr)dst | (uintptr)src | n) & 7) == 0) {
    uint64 *d = dst;
    const uint64 *s = src;
    for (; n; n -= 8) *d++ = *s++;
    return dst;
  }
  uint8 *d = dst;
  const uint8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (uint8)*a - (uint8)*b;
}

size_t strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}
