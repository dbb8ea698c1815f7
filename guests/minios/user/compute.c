/* compute (Adams & Agesen's "compute" microbenchmark): pure user-mode computation, no traps at
   all, so it measures the cost of running guest code at all (and of the timer tick). */
#include "user/ulib.h"

int compute_main(int argc, char **argv) {
  uint64 n, s = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    s += i;
    asm volatile("" : "+r"(s)); /* keeps gcc from replacing the loop by n(n-1)/2 */
  }
  report("compute", n, s);
  return 0;
}
