/* init, the first process: runs each "name=count" of its arguments (the boot arguments) in turn
   in a child process (fork, then exec name with argument count), waits for it, and exits 0 when
   all succeeded; the kernel halts the machine when init exits. It also reaps orphans. */
#include "user/ulib.h"

#define NAME_LEN 16
#define COUNT_LEN 24

static void say(const char *a, const char *b, int64 status) {
  struct line l = {.len = 0};
  line_str(&l, "init: ");
  line_str(&l, a);
  line_str(&l, b);
  line_i64(&l, status);
  line_str(&l, "\n");
  line_write(&l);
}

/* Splits "name=count" (the kernel has checked the format). */
static int split(const char *spec, char *name, char *count) {
  uint64 i = 0, j = 0;
  for (; spec[i] && spec[i] != '='; i++)
    if (i < NAME_LEN - 1) name[i] = spec[i];
  name[i < NAME_LEN - 1 ? i : NAME_LEN - 1] = 0;
  if (spec[i] != '=') return -1;
  for (i++; spec[i] && j < COUNT_LEN - 1; i++, j++) count[j] = spec[i];
  count[j] = 0;
  return 0;
}

static int run(const char *spec) {
  char name[NAME_LEN], count[COUNT_LEN];
  if (split(spec, name, count) < 0) return -1;
  int pid = fork();
  if (pid < 0) {
    print("init: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    char *args[] = {name, count, NULL};
    exec(name, args);
    say("cannot exec ", name, -1);
    exit(127);
  }
  int status, reaped;
  while ((reaped = wait(&status)) != pid) /* orphans may exit first */
    if (reaped < 0) {
      print("init: wait failed\n");
      return -1;
    }
  if (status != 0) {
    say(name, " failed with status ", status);
    return -1;
  }
  return 0;
}

int init_main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (run(argv[i]) < 0) return 1;
  while (wait(NULL) > 0) {} /* orphans left behind */
  return 0;
}
