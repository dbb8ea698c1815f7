/* Checked access to the current process's user memory from the kernel. */
#ifndef MINIOS_UACCESS_H
#define MINIOS_UACCESS_H

#include "types.h"

#define UACCESS_READ 0
#define UACCESS_WRITE 1

/* Whether [va, va + len) is mapped user memory, readable (or writable) by the process. */
int user_range_ok(uint64 va, uint64 len, int write);
int copyin(void *dst, uint64 user_src, uint64 len);        /* 0, or -1 if not readable */
int copyout(uint64 user_dst, const void *src, uint64 len); /* 0, or -1 if not writable */
/* Copies a NUL-terminated string of at most max - 1 characters; its length, or -1. */
int64 copyinstr(char *dst, uint64 user_src, uint64 max);

#endif
