/* fork (Adams & Agesen's "fork" microbenchmark): n times, fork a child that exits at once and
   wait for it. Each fork copies the whole address space (no copy-on-write): page-table creation
   and teardown, context switches. The checksum adds up the children's pids and exit statuses. */
#include "user/ulib.h"

int fork_main(int argc, char **argv) {
  uint64 n, sum = 0;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0) {
      print("fork: fork failed\n");
      return 1;
    }
    if (pid == 0) exit((int)(i & 0x7f));
    int status;
    if (wait(&status) != pid) {
      print("fork: wait failed\n");
      return 1;
    }
    sum += (uint64)pid + (uint64)status;
  }
  report("fork", n, sum);
  return 0;
}
