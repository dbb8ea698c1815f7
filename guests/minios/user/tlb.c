/* tlb (Adams & Agesen's "translation buffer" microbenchmark): n updates of a TLB_BYTES array
   allocated with sbrk, large[(4096 * i + i) % S] = 1 + large[i % S]: the store walks through
   the array one page (and one byte) further each time, so nearly every store needs a new
   translation. The checksum hashes the whole array (FNV-1a over 64-bit words). */
#include "user/ulib.h"

#define TLB_BYTES (4UL << 20)

static uint64 hash_words(const uint64 *w, uint64 count) {
  uint64 h = 0xcbf29ce484222325UL;
  for (uint64 i = 0; i < count; i++) h = (h ^ w[i]) * 0x100000001b3UL;
  return h;
}

int tlb_main(int argc, char **argv) {
  uint64 n;
  if (get_count(argc, argv, &n) < 0) return 1;
  uint8 *large = sbrk(TLB_BYTES);
  if (large == (void *)-1) {
    print("tlb: sbrk failed\n");
    return 1;
  }
  for (uint64 i = 0; i < n; i++) large[(4096 * i + i) % TLB_BYTES] = 1 + large[i % TLB_BYTES];
  report("tlb", n, hash_words((const uint64 *)large, TLB_BYTES / 8));
  return 0;
}
