/* dirty PAGES,PASSES: a writable working set for live migration. It takes PAGES pages (sbrk) and
   increments the first byte of every one, page after page, PASSES times, like the guest of QEMU's
   migration test; stopped at any instant the set holds one edge, at the page being written. Each
   page carries a header a host can find it by in guest memory, wherever the kernel put it:
     bytes 8..15  "DIRTYPG\0"     16..23  the page's index     24..31  PAGES
   and page 0 also holds, at 32..39, the index of the page being incremented (PAGES when done).
   Prints "dirty n=PASSES checksum=C", C the FNV-1a of every page's first byte at the end. */
#include "user/ulib.h"

#define PAGE 4096UL
static const char magic[8] = "DIRTYPG";

static int parse_two(const char *s, uint64 *a, uint64 *b) {
  char first[24];
  int i = 0;
  for (; s[i] && s[i] != ','; i++) {
    if (i == 23) return -1;
    first[i] = s[i];
  }
  first[i] = 0;
  if (s[i] != ',' || parse_u64(first, a) < 0) return -1;
  return parse_u64(s + i + 1, b);
}

int dirty_main(int argc, char **argv) {
  uint64 pages, passes;
  if (argc != 2 || parse_two(argv[1], &pages, &passes) < 0 || pages == 0 || pages > (1UL << 20)) {
    print("dirty: usage: dirty PAGES,PASSES\n");
    return 1;
  }
  uint8 *set = sbrk((int64)(pages * PAGE));
  if (set == (void *)-1) {
    print("dirty: sbrk failed\n");
    return 1;
  }
  for (uint64 i = 0; i < pages; i++) {
    uint8 *p = set + i * PAGE;
    memcpy(p + 8, magic, 8);
    ((volatile uint64 *)p)[2] = i;
    ((volatile uint64 *)p)[3] = pages;
  }
  volatile uint64 *position = (volatile uint64 *)(set + 32);
  for (uint64 pass = 0; pass < passes; pass++) {
    for (uint64 i = 0; i < pages; i++) {
      *position = i;
      ((volatile uint8 *)set)[i * PAGE]++;
    }
  }
  *position = pages;
  uint64 h = 0xcbf29ce484222325UL;
  for (uint64 i = 0; i < pages; i++) h = (h ^ set[i * PAGE]) * 0x100000001b3UL;
  report("dirty", passes, h);
  return 0;
}
