/* Boot: the user image and boot arguments are checked, memory and paging set up, init created
   with the requested runs as its arguments, the tick started, and the scheduler takes over. The
   machine halts when init exits. Everything printed is the same on every machine and run. */
#include "main.h"
#include "blk.h"
#include "bootargs.h"
#include "console.h"
#include "exec.h"
#include "kalloc.h"
#include "net.h"
#include "memlayout.h"
#include "platform.h"
#include "sched.h"
#include "timer.h"
#include "userimg.h"
#include "vm.h"

static struct bootargs boot_args;
static uint64 free_pages_before_init;

static void print_plan(const struct bootargs *args) {
  kprintf("minios: tick=%lu, running", args->tick);
  for (int i = 1; i < args->init.argc; i++) kprintf(" %s", args->init.argv[i]);
  if (args->init.argc == 1) kputs(" nothing");
  kputc('\n');
}

static void start_init(void) {
  struct proc *init = proc_alloc();
  if (!init) panic("cannot allocate init");
  if (exec_program(init, "init", &boot_args.init) < 0) panic("cannot load init");
  proc_set_init(init);
  init->state = P_RUNNABLE;
}

void kmain(void) {
  platform_init();
  kputs("minios: booting\n");
  userimg_init();
  if (bootargs_parse(&boot_args) < 0) platform_shutdown(1);
  print_plan(&boot_args);
  kalloc_init(platform_mem_start(), KERNEL_MEM_END);
  vm_init();
  blk_init(); /* the block device, if the machine has one */
  net_init(); /* and the network device */
  free_pages_before_init = kalloc_free_pages();
  start_init();
  timer_start(boot_args.tick);
  scheduler();
}

void kernel_halt(struct proc *init) {
  int status = init->exit_status;
  vm_activate(vm_kernel_root(), 0); /* init's root table is about to be freed */
  proc_free(init);
  vm_commit(); /* PV: the freed tables come back once their unmapping is issued */
  uint64 free_pages = kalloc_free_pages();
  if (free_pages != free_pages_before_init)
    panic("%ld pages leaked", (int64)(free_pages_before_init - free_pages));
  if (status != 0) {
    kprintf("minios: init failed with status %d\n", status);
    platform_shutdown(1);
  }
  kputs("minios: halt\n");
  platform_shutdown(0);
}
