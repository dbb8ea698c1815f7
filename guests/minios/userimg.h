/* The built-in user programs. */
#ifndef MINIOS_USERIMG_H
#define MINIOS_USERIMG_H

#include "types.h"
#include "uimage.h"

void userimg_init(void); /* validates the image's header; panics if it is inconsistent */
const struct uimage_header *userimg_header(void);
/* The image's bytes at user virtual address va, up to its end: copies up to len, returns the count. */
uint64 userimg_copy(void *dst, uint64 va, uint64 len);
const struct uprog *userimg_find(const char *name); /* NULL if there is no such program */

#endif
