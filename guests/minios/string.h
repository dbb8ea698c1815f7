/* Memory and string helpers (gcc also emits calls to memset/memcpy for struct copies). */
#ifndef MINIOS_STRING_H
#define MINIOS_STRING_H

#include "types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int strcmp(const char *a, const char *b);
size_t strnlen(const char *s, size_t max);

#endif
