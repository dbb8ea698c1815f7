/* The physical page allocator. */
#ifndef MINIOS_KALLOC_H
#define MINIOS_KALLOC_H

#include "types.h"

void kalloc_init(uint64 start, uint64 end);
void *kalloc(void);  /* a page with undefined contents, or NULL when memory is exhausted */
void *kzalloc(void); /* a zeroed page, or NULL */
void kfree(void *page);
uint64 kalloc_free_pages(void);

#endif
