/* The scheduler. It runs on the boot stack in its own context and picks the next runnable
   process round robin; processes come back to it through sched(), from yield() (the timer tick or
   the yield syscall), wait() or exit(). */
#include "sched.h"
#include "console.h"
#include "main.h"
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

void scheduler(void) {
  for (;;) {
    struct proc *p = pick_next();
    /* Processes block only in wait(), for a child that can still run: with nothing runnable,
       nothing ever will be. */
    if (!p) panic("no runnable process");
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
