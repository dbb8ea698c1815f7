/* The physical page allocator: a LIFO free list of 4 KiB frames over [start, end), the RAM after
   the kernel image. A bitmap of allocated frames turns a double free or a stray pointer into a
   panic instead of silent corruption. Freed pages are reused first, so allocation order, and with
   it every physical address the kernel hands out, is the same on every run. */
#include "kalloc.h"
#include "console.h"
#include "memlayout.h"
#include "pt.h"
#include "string.h"

#define MAX_PAGES ((KERNEL_MEM_END - RAM_BASE) / PAGE_SIZE)

struct free_page {
  struct free_page *next;
};

static struct free_page *free_list;
static uint64 free_count;
static uint64 mem_start, mem_end;
static uint8 allocated[MAX_PAGES / 8];

static uint64 page_index(void *page) { return ((uint64)page - mem_start) / PAGE_SIZE; }
static int is_allocated(uint64 i) { return allocated[i / 8] >> (i % 8) & 1; }
static void set_allocated(uint64 i, int on) {
  if (on)
    allocated[i / 8] |= (uint8)(1 << (i % 8));
  else
    allocated[i / 8] &= (uint8)~(1 << (i % 8));
}

static void push(void *page) {
  struct free_page *f = page;
  f->next = free_list;
  free_list = f;
  free_count++;
}

void kalloc_init(uint64 start, uint64 end) {
  mem_start = PAGE_ROUND_UP(start);
  mem_end = PAGE_ROUND_DOWN(end);
  if (mem_start >= mem_end) panic("kalloc: no free memory after the kernel image");
  /* Push from the top down so the first allocations come from the bottom of memory. */
  for (uint64 pa = mem_end; pa > mem_start; pa -= PAGE_SIZE) push((void *)(pa - PAGE_SIZE));
}

void *kalloc(void) {
  struct free_page *f = free_list;
  if (!f && pt_reclaim()) f = free_list; /* PV: page tables freed in a batch not yet issued */
  if (!f) return NULL;
  free_list = f->next;
  free_count--;
  set_allocated(page_index(f), 1);
  return f;
}

void *kzalloc(void) {
  void *page = kalloc();
  if (page) memset(page, 0, PAGE_SIZE);
  return page;
}

void kfree(void *page) {
  uint64 pa = (uint64)page;
  if (pa % PAGE_SIZE || pa < mem_start || pa >= mem_end) panic("kfree: bad page %p", page);
  if (!is_allocated(page_index(page))) panic("kfree: page %p is already free", page);
  set_allocated(page_index(page), 0);
  push(page);
}

uint64 kalloc_free_pages(void) { return free_count; }
