/* map4m (the seed's malloc(4 MiB), 1,024 page-table updates): n times, grow the heap by 4 MiB
   with sbrk, touch every page (a store, then a load back), and give the 4 MiB back. The checksum
   sums what was read back. */
#include "user/ulib.h"

#define MAP_BYTES (4UL << 20)
#define PAGE 4096UL

int map4m_main(int argc, char **argv) {
  uint64 n, sum = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    uint8 *p = sbrk(MAP_BYTES);
    if (p == (void *)-1) {
      print("map4m: sbrk failed\n");
      return 1;
    }
    for (uint64 off = 0; off < MAP_BYTES; off += PAGE) p[off] = (uint8)(i + off / PAGE);
    for (uint64 off = 0; off < MAP_BYTES; off += PAGE) sum += p[off];
    if (sbrk(-(int64)MAP_BYTES) == (void *)-1) {
      print("map4m: sbrk shrink failed\n");
      return 1;
    }
  }
  report("map4m", n, sum);
  return 0;
}
