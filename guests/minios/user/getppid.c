/* getppid (Adams & Agesen's "syscall" microbenchmark): the cheapest system call, n times; a round
   trip user -> kernel -> user each time. */
#include "user/ulib.h"

int getppid_main(int argc, char **argv) {
  uint64 n, sum = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) sum += (uint64)getppid();
  report("getppid", n, sum);
  return 0;
}
