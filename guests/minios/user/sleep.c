/* sleep: a latency-sensitive guest. n times: sleep 1 ms (the kernel blocks the process and, with
   nothing else to run, the hart waits in WFI), then a short burst of computation. It is idle most
   of the time; what matters to it is how soon it runs again after each wake-up. The checksum
   depends only on n. */
#include "user/ulib.h"

#define SLEEP_TIME 10000 /* time units of the 10 MHz timebase: 1 ms */
#define BURST 1000

int sleep_main(int argc, char **argv) {
  uint64 n, s = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    if (sleep(SLEEP_TIME) < 0) return 1;
    for (uint64 j = 0; j < BURST; j++) {
      s += i ^ j;
      asm volatile("" : "+r"(s));
    }
  }
  report("sleep", n, s);
  return 0;
}
