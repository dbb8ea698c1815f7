/* selftest: the kernel's error paths, from user mode. Bad syscall numbers and pointers give -1;
   faults kill only the faulting process (the kernel prints one line for each); fork copies memory;
   sbrk grows and shrinks; running out of memory or of process slots fails cleanly. The kernel's
   own check at halt (every page back in the allocator) covers the cleanup. Prints
   "selftest: ok (N checks)" or one line per failed check; the argument is ignored. */
#include "memlayout.h"
#include "user/ulib.h"

static int checks, failures;

static void check(int ok, int line) {
  checks++;
  if (ok) return;
  failures++;
  struct line l = {.len = 0};
  line_str(&l, "selftest: check at selftest.c:");
  line_u64(&l, (uint64)line);
  line_str(&l, " failed\n");
  line_write(&l);
}
#define CHECK(cond) check((cond), __LINE__)

/* Runs fn in a child and returns its exit status (-1 if the kernel killed it). */
static int in_child(void (*fn)(void)) {
  int pid = fork();
  if (pid == 0) {
    fn();
    exit(0);
  }
  int status = 12345;
  CHECK(pid > 0 && wait(&status) == pid);
  return status;
}

static void bad_syscalls(void) {
  CHECK(syscall3(0, 0, 0, 0) == -1);
  CHECK(syscall3(NSYSCALLS, 0, 0, 0) == -1);
  CHECK(syscall3(-1, 0, 0, 0) == -1);
  CHECK(yield() == 0);
  CHECK(getppid() == 1); /* run by init */
  CHECK(getpid() > 1);
}

static void bad_writes(void) {
  static char buf[] = "x";
  CHECK(write(1, buf, 0) == 0);
  CHECK(write(0, buf, 1) == -1);
  CHECK(write(3, buf, 1) == -1);
  CHECK(syscall3(SYS_write, 1, 0, 1) == -1);
  CHECK(syscall3(SYS_write, 1, KERNEL_BASE, 1) == -1); /* kernel memory: no U bit */
  CHECK(write(1, buf, (uint64)-1) == -1);           /* wraps around */
  CHECK(write(1, (void *)(USER_VA_TOP - 1), 2) == -1);
  CHECK(write(1, (void *)(USER_STACK_TOP - USER_STACK_SIZE - 1), 2) == -1); /* below the stack */
}

static void bad_waits(void) {
  CHECK(wait(NULL) == -1); /* no children */
  int pid = fork();
  if (pid == 0) exit(3);
  CHECK(syscall3(SYS_wait, 8, 0, 0) == -1);                       /* unmapped */
  CHECK(syscall3(SYS_wait, (int64)(uint64)bad_waits, 0, 0) == -1); /* read-only text */
  int status;
  CHECK(wait(&status) == pid && status == 3);
}

static void heap(void) {
  uint8 *base = sbrk(0);
  CHECK(sbrk(-1) == (void *)-1); /* below the heap's start */
  CHECK(sbrk(8192) == base);
  CHECK(sbrk(0) == base + 8192);
  CHECK(base[0] == 0 && base[8191] == 0);
  base[0] = 1, base[8191] = 2;
  CHECK(sbrk(-4096) == base + 8192);
  CHECK(sbrk(0) == base + 4096 && base[0] == 1);
  CHECK(sbrk(100) == base + 4096); /* partial pages */
  CHECK(sbrk(-100 - 4096) == base + 4096 + 100);
  CHECK(sbrk(1L << 40) == (void *)-1);
  CHECK(sbrk((int64)(1UL << 63)) == (void *)-1); /* the most negative increment */
  CHECK(sbrk((int64)(USER_HEAP_LIMIT - (uint64)base)) == (void *)-1); /* more than RAM */
  CHECK(sbrk(0) == base);
}

static int shared = 5;

static void child_modifies(void) {
  shared = 7;
  exit(shared);
}

static void fork_copies(void) {
  int parent = getpid();
  CHECK(in_child(child_modifies) == 7);
  CHECK(shared == 5 && getpid() == parent);
  int pid = fork();
  if (pid == 0) exit(getppid() == parent ? 0 : 1);
  int status;
  CHECK(wait(&status) == pid && status == 0);
}

static void fault_null(void) { *(volatile int *)0 = 1; }
static void fault_kernel(void) { (void)*(volatile int *)KERNEL_BASE; }
static void fault_text(void) { *(volatile int *)(uint64)fault_text = 0; }
static void fault_fetch(void) {
  static uint64 data_code = 0x00008067; /* ret, but in a non-executable page */
  ((void (*)(void))(uint64)&data_code)();
}
static void fault_illegal(void) { asm volatile(".word 0xc0001073"); } /* csrw cycle, x0 */
static void fault_ebreak(void) { asm volatile("ebreak"); }
static void fault_stack_guard(void) { (void)*(volatile int *)(USER_STACK_TOP - USER_STACK_SIZE - 8); }
static void fault_freed_heap(void) {
  volatile uint8 *p = sbrk(4096);
  p[0] = 1;
  sbrk(-4096);
  p[0] = 2;
}

static void faults(void) {
  CHECK(in_child(fault_null) == -1);
  CHECK(in_child(fault_kernel) == -1);
  CHECK(in_child(fault_text) == -1);
  CHECK(in_child(fault_fetch) == -1);
  CHECK(in_child(fault_illegal) == -1);
  CHECK(in_child(fault_ebreak) == -1);
  CHECK(in_child(fault_stack_guard) == -1);
  CHECK(in_child(fault_freed_heap) == -1);
}

static void bad_execs(void) {
  char name[] = "compute", count[] = "10", bad[] = "abc";
  char *args[] = {name, count, NULL};
  CHECK(exec("nosuchprogram", args) == -1);
  CHECK(exec(NULL, args) == -1);
  CHECK(exec(name, NULL) == -1);
  CHECK(syscall3(SYS_exec, (int64)name, 8, 0) == -1);
  char *no_args[] = {NULL};
  CHECK(exec(name, no_args) == -1);
  int pid = fork();
  if (pid == 0) {
    exec(name, args); /* prints "compute n=10 checksum=45" */
    exit(99);
  }
  int status;
  CHECK(wait(&status) == pid && status == 0);
  args[1] = bad;
  pid = fork();
  if (pid == 0) {
    exec(name, args); /* prints the usage line, exits 1 */
    exit(99);
  }
  CHECK(wait(&status) == pid && status == 1);
}

/* Zombies hold their slots until reaped: fork until the table is full, then reap them all. */
static void full_table(void) {
  int forked = 0, pid;
  while ((pid = fork()) > 0) forked++;
  if (pid == 0) exit(0);
  CHECK(forked > 0 && forked < 100);
  int reaped = 0;
  while (wait(NULL) > 0) reaped++;
  CHECK(reaped == forked);
}

/* A fork that cannot copy a large heap fails, and frees what it had copied. */
static void fork_out_of_memory(void) {
  int64 size = 20L << 20;
  CHECK(sbrk(size) != (void *)-1);
  CHECK(fork() == -1);
  CHECK(sbrk(-size) != (void *)-1);
  CHECK(in_child(child_modifies) == 7); /* and memory is back */
}

/* Children that exit without being waited for: init inherits and reaps them. */
static void orphan_maker(void) {
  if (fork() == 0) exit(0);
  if (fork() == 0) {
    for (int i = 0; i < 3; i++) yield();
    exit(0);
  }
}

int selftest_main(int argc, char **argv) {
  (void)argc, (void)argv;
  bad_syscalls();
  bad_writes();
  bad_waits();
  heap();
  fork_copies();
  faults();
  bad_execs();
  full_table();
  fork_out_of_memory();
  CHECK(in_child(orphan_maker) == 0);
  struct line l = {.len = 0};
  if (failures) {
    line_str(&l, "selftest: FAILED ");
    line_u64(&l, (uint64)failures);
    line_str(&l, " of ");
  } else {
    line_str(&l, "selftest: ok (");
  }
  line_u64(&l, (uint64)checks);
  line_str(&l, failures ? " checks\n" : " checks)\n");
  line_write(&l);
  return failures ? 1 : 0;
}
