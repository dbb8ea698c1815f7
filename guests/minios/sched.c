/* The scheduler. It runs on the boot stack in its own context and picks the next runnable
   process round robin; processes come back to it through sched(), from yield() (the timer tick or
   the yield syscall), wait(), sleep() or exit(). With nothing runnable it waits for the timer. */
#include "sched.h"
#include "console.h"
#include "main.h"
#include "platform.h"
#include "riscv.h"
#include "timer.h"
#include "vm.h"

static struct context scheduler_context;
static struct proc *current;
static int last_slot = NPROC - 1;

struct proc *myproc(void) { return current; }

static struct proc *pick_next(void) {
  for (int n = 1; n <= NPROC; n++) {
    int slot = (last_slot + n) % NPROC;
    if (proc_table[slot].state == P_RUNNABLE) {
      last_slot = slot;
      return &proc_table[slot];
    }
  }
  return NULL;
}

/* Nothing is runnable: the hart waits for the timer (platform_idle: WFI, or the hypervisor's
   SCHEDOP_block; a hypervisor can give the CPU to another VM meanwhile). The kernel runs with
   SIE = 0, so the interrupt is not taken: the wait ends once it is pending, and the platform
   handles it there. With no process asleep nothing can ever become runnable (wait() only blocks
   on a child that can run). */
static void idle(void) {
  if (proc_next_wakeup() == ~0UL) panic("no runnable process");
  platform_idle();
}

void scheduler(void) {
  for (;;) {
    struct proc *p = pick_next();
    if (!p) {
      idle();
      continue;
    }
    p->state = P_RUNNING;
    current = p;
    vm_activate(p->root, p->asid);
    swtch(&scheduler_context, &p->ctx);
    current = NULL;
    proc_check_stack(p);
    if (p->state == P_ZOMBIE && !p->parent) kernel_halt(p);
  }
}

void sched(void) {
  struct proc *p = current;
  if (p->state == P_RUNNING) panic("sched: pid %d still running", p->pid);
  swtch(&p->ctx, &scheduler_context);
}

void yield(void) {
  current->state = P_RUNNABLE;
  sched();
}
