/* iowrite: n block writes of 4 KiB (8 sectors) over the disk's first 4 MiB, each block filled with
   a pattern of its index, then every block written read back. The checksum is FNV-1a of what was
   read back, so it depends only on n: a write lost or misplaced (a migration that dropped one)
   changes it. At most 1024 blocks: each index has a place of its own. */
#include "user/ulib.h"

#define SECTORS 8
#define SPAN_BLOCKS 1024 /* 4 MiB */

static uint8 buf[SECTORS * 512];

static void fill(uint64 i) {
  for (uint64 k = 0; k < sizeof(buf); k++) buf[k] = (uint8)(i * 131 + k * 7 + 1);
}

int iowrite_main(int argc, char **argv) {
  uint64 n, h = 0xcbf29ce484222325UL;
  if (get_count(argc, argv, &n) < 0) return 1;
  if (n > SPAN_BLOCKS) n = SPAN_BLOCKS;
  for (uint64 i = 0; i < n; i++) {
    fill(i);
    if (blkwrite(i * SECTORS, SECTORS, buf) < 0) {
      print("iowrite: block write failed (no disk, or read-only?)\n");
      return 1;
    }
  }
  for (uint64 i = 0; i < n; i++) {
    if (blkread(i * SECTORS, SECTORS, buf) < 0) {
      print("iowrite: block read failed\n");
      return 1;
    }
    for (uint64 k = 0; k < sizeof(buf); k++) h = (h ^ buf[k]) * 0x100000001b3UL;
  }
  report("iowrite", n, h);
  return 0;
}
