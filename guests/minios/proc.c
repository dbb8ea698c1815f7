/* Processes. Each owns a slot of the process table, a page of kernel stack (with its user
   registers in a trapframe at the top), an Sv39 address space and the ASID of its slot. Only one
   kernel thread runs at a time and the kernel is never preempted (it runs with SIE = 0), so the
   table needs no locks. */
#include "proc.h"
#include "console.h"
#include "kalloc.h"
#include "memlayout.h"
#include "sched.h"
#include "string.h"
#include "timer.h"
#include "uaccess.h"
#include "vm.h"

#define STACK_CANARY 0x6d696e696f73a5a5UL

struct proc proc_table[NPROC];
static struct proc *init_proc;
static int next_pid = 1;

void user_return(void); /* trapvec.S */

struct proc *proc_alloc(void) {
  struct proc *p = NULL;
  for (int i = 0; i < NPROC && !p; i++)
    if (proc_table[i].state == P_UNUSED) p = &proc_table[i];
  if (!p) return NULL;
  uint8 *kstack = kalloc();
  pagetable_t root = kstack ? vm_create() : NULL;
  if (!root) {
    if (kstack) kfree(kstack);
    return NULL;
  }
  memset(p, 0, sizeof(*p));
  p->state = P_EMBRYO;
  p->pid = next_pid++;
  p->root = root;
  p->asid = vm_asid_for_slot((int)(p - proc_table));
  /* The slot's ASID may still tag TLB entries of the slot's previous process. */
  vm_flush_asid(p->asid);
  p->kstack = kstack;
  *(uint64 *)kstack = STACK_CANARY;
  p->tf = (struct trapframe *)(kstack + PAGE_SIZE - TF_SIZE);
  memset(p->tf, 0, sizeof(*p->tf));
  /* The first switch to the process "returns" to user mode with its trapframe. */
  p->ctx.ra = (uint64)user_return;
  p->ctx.sp = (uint64)p->tf;
  return p;
}

void proc_free(struct proc *p) {
  vm_destroy(p->root);
  kfree(p->kstack);
  memset(p, 0, sizeof(*p));
  p->state = P_UNUSED;
}

/* A kernel stack overflow would overwrite the canary at the bottom of the page. */
void proc_check_stack(struct proc *p) {
  if (*(uint64 *)p->kstack != STACK_CANARY) panic("kernel stack overflow in pid %d", p->pid);
}

void proc_set_init(struct proc *p) { init_proc = p; }

int proc_fork(void) {
  struct proc *parent = myproc();
  struct proc *child = proc_alloc();
  if (!child) return -1;
  if (vm_copy_user(parent->root, child->root) < 0) {
    proc_free(child);
    return -1;
  }
  *child->tf = *parent->tf;
  child->tf->regs[REG_A0] = 0; /* fork returns 0 in the child */
  child->heap_base = parent->heap_base;
  child->brk = parent->brk;
  memcpy(child->name, parent->name, sizeof(child->name));
  child->parent = parent;
  child->state = P_RUNNABLE;
  return child->pid;
}

static void wake_if_waiting(struct proc *p) {
  if (p && p->state == P_WAITING) p->state = P_RUNNABLE;
}

/* Gives the exiting process's children to init, which reaps them. */
static void reparent_children(struct proc *p) {
  for (int i = 0; i < NPROC; i++) {
    struct proc *c = &proc_table[i];
    if (c->state == P_UNUSED || c->parent != p) continue;
    c->parent = init_proc;
    if (c->state == P_ZOMBIE) wake_if_waiting(init_proc);
  }
}

/* The user memory goes back to the allocator at once; the root table (still in satp) and the
   kernel stack (in use right now) go when the parent reaps the zombie. When init exits, the
   scheduler halts the machine. */
void proc_exit(int status) {
  struct proc *p = myproc();
  vm_free_user(p->root);
  reparent_children(p);
  p->exit_status = status;
  p->state = P_ZOMBIE;
  wake_if_waiting(p->parent);
  sched();
  panic("pid %d ran after exit", p->pid);
}

/* Returns the pid of an exited child (and stores its status at user_status unless 0), or -1
   when the process has no children or user_status is not writable user memory. */
int proc_wait(uint64 user_status) {
  struct proc *p = myproc();
  if (user_status && !user_range_ok(user_status, sizeof(int), UACCESS_WRITE)) return -1;
  for (;;) {
    int have_children = 0;
    for (int i = 0; i < NPROC; i++) {
      struct proc *c = &proc_table[i];
      if (c->state == P_UNUSED || c->parent != p) continue;
      have_children = 1;
      if (c->state != P_ZOMBIE) continue;
      int pid = c->pid, status = c->exit_status;
      if (user_status && copyout(user_status, &status, sizeof(status)) < 0) return -1;
      proc_free(c);
      return pid;
    }
    if (!have_children) return -1;
    p->state = P_WAITING;
    sched();
  }
}

/* Moves the end of the heap by `increment` bytes (either way) and returns the old end, or -1 if
   the heap would leave [heap_base, USER_HEAP_LIMIT] or memory runs out. Pages are mapped (zeroed)
   or unmapped (freed) at once: a later access never page-faults. */
int64 proc_sbrk(int64 increment) {
  struct proc *p = myproc();
  uint64 old_brk = p->brk, new_brk;
  if (increment >= 0) {
    if ((uint64)increment > USER_HEAP_LIMIT - old_brk) return -1;
    new_brk = old_brk + (uint64)increment;
  } else {
    if (0 - (uint64)increment > old_brk - p->heap_base) return -1;
    new_brk = old_brk - (0 - (uint64)increment);
  }
  uint64 old_end = PAGE_ROUND_UP(old_brk), new_end = PAGE_ROUND_UP(new_brk);
  if (new_end > old_end && vm_alloc_user(p->root, old_end, new_end, PTE_R | PTE_W) < 0) return -1;
  if (new_end < old_end) vm_unmap_user(p->root, new_end, old_end);
  if (new_end != old_end) vm_flush_asid(p->asid);
  p->brk = new_brk;
  return (int64)old_brk;
}

void proc_sleep(uint64 until) {
  struct proc *p = myproc();
  p->wake_at = until;
  p->state = P_SLEEPING;
  timer_rearm();
  sched();
}

uint64 proc_next_wakeup(void) {
  uint64 first = ~0UL;
  for (int i = 0; i < NPROC; i++)
    if (proc_table[i].state == P_SLEEPING && proc_table[i].wake_at < first) first = proc_table[i].wake_at;
  return first;
}

int proc_wake_sleepers(uint64 now) {
  int woken = 0;
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &proc_table[i];
    if (p->state == P_SLEEPING && p->wake_at <= now) {
      p->state = P_RUNNABLE;
      woken++;
    }
  }
  return woken;
}
