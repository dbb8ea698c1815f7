/* echo: a guest doing small, bursty I/O. n times: sleep 1 ms, then write a short line to the
   console (under a host with a driver domain, every line is a request its console backend
   serves). Idle most of the time; what matters to it is how soon its requests are served. */
#include "user/ulib.h"

#define SLEEP_TIME 10000 /* 1 ms of the 10 MHz timebase */

int echo_main(int argc, char **argv) {
  uint64 n, sum = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    if (sleep(SLEEP_TIME) < 0) return 1;
    struct line l = {.len = 0};
    line_str(&l, "echo ");
    line_u64(&l, i);
    line_str(&l, "\n");
    line_write(&l);
    sum += i;
  }
  report("echo", n, sum);
  return 0;
}
