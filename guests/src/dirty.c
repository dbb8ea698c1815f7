/* dirty: the guest of QEMU's migration test ("a-b kernel"), for checking memory consistency
   across a live migration. It increments the first byte of every page of a region, page after
   page, pass after pass. Stopped at any instant, the region holds one edge: pages before the one
   being written have their byte one higher than the pages from it on. Running on after a
   migration, it must end with every byte equal to the number of passes (mod 256), which it
   checks itself.

   The host may set the region and the work before the hart starts, by writing these symbols:
     dirty_pages    pages in the region, which starts at the first page after the image
     dirty_passes   passes over it
     dirty_gap      non-zero: read mtime at every page and print the largest gap between two reads
                    (the downtime the guest saw), in mtime ticks
   and reads dirty_position, the index of the page being incremented (the edge). */
#include "lib.h"

volatile u64 dirty_pages = 256;
volatile u64 dirty_passes = 64;
volatile u64 dirty_gap __attribute__((section(".data"))) = 0; /* not .bss: the start-up code clears that after the host wrote it */
volatile u64 dirty_position = 1;

extern char __free_mem[];
#define PAGE 4096UL
/* The region must stay inside 128 MiB of RAM (QEMU's -m 128M). */
#define RAM_END 0x88000000UL
#define MTIME ((volatile u64 *)0x0200bff8UL)

const char *test_name = "dirty";

int main(void) {
  u8 *region = (u8 *)(((u64)__free_mem + PAGE - 1) & ~(PAGE - 1));
  u64 pages = dirty_pages, passes = dirty_passes, gap = 0;
  CHECK(pages > 0 && pages <= (RAM_END - (u64)region) / PAGE, 1);
  u64 last = dirty_gap ? *MTIME : 0;
  for (u64 pass = 0; pass < passes; pass++) {
    for (u64 i = 0; i < pages; i++) {
      dirty_position = i;
      region[i * PAGE]++;
      if (dirty_gap) {
        u64 now = *MTIME;
        if (now - last > gap) gap = now - last;
        last = now;
      }
    }
  }
  dirty_position = pages;
  u64 sum = 0;
  for (u64 i = 0; i < pages; i++) sum += region[i * PAGE];
  puts_("dirty: pages ");
  putdec(pages);
  puts_(" passes ");
  putdec(passes);
  puts_(" sum ");
  putdec(sum);
  if (dirty_gap) {
    puts_(" max-gap ");
    putdec(gap);
  }
  putchar_('\n');
  CHECK(sum == pages * (passes & 0xff), 2);
  test_pass();
}
