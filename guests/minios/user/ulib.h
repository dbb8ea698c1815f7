/* The user library: system calls and the little else the programs need. */
#ifndef MINIOS_ULIB_H
#define MINIOS_ULIB_H

#include "sysnum.h"

typedef unsigned long uint64;
typedef long int64;
typedef unsigned char uint8;
#define NULL ((void *)0)

/* System calls (sysnum.h). sbrk returns (void *)-1 on failure, the others -1. */
int64 write(int fd, const void *buf, uint64 len);
int getpid(void);
int getppid(void);
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
void *sbrk(int64 increment);
int yield(void);
int exec(const char *name, char *const argv[]);
int blkread(uint64 sector, uint64 count, void *buf);
int blkwrite(uint64 sector, uint64 count, const void *buf);
int netsend(const void *frame, uint64 len);
int64 netrecv(void *buf);
int sleep(uint64 duration); /* time units of the 10 MHz timebase */
int64 syscall3(int64 num, int64 a0, int64 a1, int64 a2); /* any number, for tests */

void *memset(void *dst, int c, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
uint64 strlen(const char *s);
int strcmp(const char *a, const char *b);
int parse_u64(const char *s, uint64 *value); /* 1-19 decimal digits: 0, else -1 */

/* Output is built into a line and written with one write(), so a line is never interleaved with
   another process's output. */
struct line {
  char buf[160];
  uint64 len;
};
void line_str(struct line *l, const char *s);
void line_u64(struct line *l, uint64 v);
void line_i64(struct line *l, int64 v);
void line_write(struct line *l);
void print(const char *s);

/* The benchmarks' command line: "name count". */
int get_count(int argc, char **argv, uint64 *count);
/* Prints the benchmark's result line: "name n=N checksum=C". */
void report(const char *name, uint64 n, uint64 checksum);

#endif
