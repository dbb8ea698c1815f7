/* The built-in user programs: the image's header and program table. */
#include "userimg.h"
#include "console.h"
#include "memlayout.h"
#include "string.h"

extern const uint8 user_image[], user_image_end[];

static const struct uimage_header *header;
static const struct uprog *progs;

static uint64 image_size(void) { return (uint64)(user_image_end - user_image); }

void userimg_init(void) {
  header = (const struct uimage_header *)user_image;
  const struct uimage_header *h = header;
  if (image_size() < sizeof(*h) || h->magic != UIMAGE_MAGIC) panic("user image: bad header");
  if (!(USER_BASE < h->text_end && h->text_end <= h->rodata_end && h->rodata_end <= h->data_end &&
        h->data_end <= h->bss_end && h->bss_end <= USER_HEAP_LIMIT &&
        USER_BASE + image_size() <= h->data_end))
    panic("user image: bad section bounds");
  uint64 table_size = h->nprogs * sizeof(struct uprog);
  if (h->progs < USER_BASE || h->progs % 8 || h->nprogs > 64 ||
      h->progs + table_size > USER_BASE + image_size())
    panic("user image: bad program table");
  progs = (const struct uprog *)(user_image + (h->progs - USER_BASE));
  for (uint64 i = 0; i < h->nprogs; i++)
    if (strnlen(progs[i].name, UPROG_NAME_LEN) == UPROG_NAME_LEN ||
        progs[i].main < USER_BASE || progs[i].main >= h->text_end)
      panic("user image: bad program %lu", i);
}

const struct uimage_header *userimg_header(void) { return header; }

uint64 userimg_copy(void *dst, uint64 va, uint64 len) {
  uint64 end = USER_BASE + image_size();
  if (va < USER_BASE || va >= end) return 0;
  if (len > end - va) len = end - va;
  memcpy(dst, user_image + (va - USER_BASE), len);
  return len;
}

const struct uprog *userimg_find(const char *name) {
  for (uint64 i = 0; i < header->nprogs; i++)
    if (strcmp(progs[i].name, name) == 0) return &progs[i];
  return NULL;
}
