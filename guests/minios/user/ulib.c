/* The user library. */
#include "user/ulib.h"

int64 syscall3(int64 num, int64 a0, int64 a1, int64 a2) {
  register int64 r_a0 asm("a0") = a0;
  register int64 r_a1 asm("a1") = a1;
  register int64 r_a2 asm("a2") = a2;
  register int64 r_a7 asm("a7") = num;
  asm volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}

int64 write(int fd, const void *buf, uint64 len) { return syscall3(SYS_write, fd, (int64)buf, (int64)len); }
int getpid(void) { return (int)syscall3(SYS_getpid, 0, 0, 0); }
int getppid(void) { return (int)syscall3(SYS_getppid, 0, 0, 0); }
int fork(void) { return (int)syscall3(SYS_fork, 0, 0, 0); }
int wait(int *status) { return (int)syscall3(SYS_wait, (int64)status, 0, 0); }
void *sbrk(int64 increment) { return (void *)syscall3(SYS_sbrk, increment, 0, 0); }
int yield(void) { return (int)syscall3(SYS_yield, 0, 0, 0); }
int exec(const char *name, char *const argv[]) { return (int)syscall3(SYS_exec, (int64)name, (int64)argv, 0); }
int netsend(const void *frame, uint64 len) { return (int)syscall3(SYS_netsend, (int64)frame, (int64)len, 0); }
int64 netrecv(void *buf) { return syscall3(SYS_netrecv, (int64)buf, 0, 0); }
int blkread(uint64 sector, uint64 count, void *buf) { return (int)syscall3(SYS_blkread, (int64)sector, (int64)count, (int64)buf); }
int blkwrite(uint64 sector, uint64 count, const void *buf) { return (int)syscall3(SYS_blkwrite, (int64)sector, (int64)count, (int64)buf); }
int sleep(uint64 duration) { return (int)syscall3(SYS_sleep, (int64)duration, 0, 0); }

void exit(int status) {
  syscall3(SYS_exit, status, 0, 0);
  for (;;) {} /* not reached */
}

void *memset(void *dst, int c, uint64 n) {
  uint8 *d = dst;
  while (n--) *d++ = (uint8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, uint64 n) {
  uint8 *d = dst;
  const uint8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

uint64 strlen(const char *s) {
  uint64 n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (uint8)*a - (uint8)*b;
}

int parse_u64(const char *s, uint64 *value) {
  uint64 v = 0;
  int n = 0;
  for (; s[n]; n++) {
    if (s[n] < '0' || s[n] > '9' || n == 19) return -1;
    v = v * 10 + (uint64)(s[n] - '0');
  }
  *value = v;
  return n ? 0 : -1;
}

void line_str(struct line *l, const char *s) {
  while (*s && l->len < sizeof(l->buf)) l->buf[l->len++] = *s++;
}

void line_u64(struct line *l, uint64 v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n && l->len < sizeof(l->buf)) l->buf[l->len++] = digits[--n];
}

void line_i64(struct line *l, int64 v) {
  if (v < 0) {
    line_str(l, "-");
    line_u64(l, 0 - (uint64)v);
  } else {
    line_u64(l, (uint64)v);
  }
}

void line_write(struct line *l) {
  write(1, l->buf, l->len);
  l->len = 0;
}

void print(const char *s) { write(1, s, strlen(s)); }

int get_count(int argc, char **argv, uint64 *count) {
  if (argc == 2 && parse_u64(argv[1], count) == 0) return 0;
  struct line l = {.len = 0};
  line_str(&l, argc > 0 ? argv[0] : "?");
  line_str(&l, ": usage: ");
  line_str(&l, argc > 0 ? argv[0] : "?");
  line_str(&l, " count\n");
  line_write(&l);
  return -1;
}

void report(const char *name, uint64 n, uint64 checksum) {
  struct line l = {.len = 0};
  line_str(&l, name);
  line_str(&l, " n=");
  line_u64(&l, n);
  line_str(&l, " checksum=");
  line_u64(&l, checksum);
  line_str(&l, "\n");
  line_write(&l);
}
