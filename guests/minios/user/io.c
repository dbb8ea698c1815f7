/* io: n block reads of 4 KiB (8 sectors), walking the disk's first 4 MiB; the checksum is FNV-1a
   of every byte read, so it depends only on the disk's contents and n. */
#include "user/ulib.h"

#define SECTORS_PER_READ 8
#define SPAN_SECTORS 8192 /* 4 MiB */

static uint8 buf[SECTORS_PER_READ * 512];

int io_main(int argc, char **argv) {
  uint64 n, h = 0xcbf29ce484222325UL;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    if (blkread((i * SECTORS_PER_READ) % SPAN_SECTORS, SECTORS_PER_READ, buf) < 0) {
      print("io: block read failed (no disk?)\n");
      return 1;
    }
    for (uint64 k = 0; k < sizeof(buf); k++) h = (h ^ buf[k]) * 0x100000001b3UL;
  }
  report("io", n, h);
  return 0;
}
