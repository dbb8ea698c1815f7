/* Processes: the process table, creation (fork), termination (exit, wait) and the heap (sbrk). */
#ifndef MINIOS_PROC_H
#define MINIOS_PROC_H

#include "trapframe.h"
#include "types.h"

#define NPROC 16
#define PROC_NAME_LEN 16

enum procstate {
  P_UNUSED,
  P_EMBRYO,   /* allocated, being built */
  P_RUNNABLE,
  P_RUNNING,
  P_WAITING,  /* in wait(), until a child exits */
  P_SLEEPING, /* in sleep(), until wake_at */
  P_ZOMBIE,   /* exited, until its parent waits for it */
};

/* The callee-saved registers of a kernel thread (swtch.S). */
struct context {
  uint64 ra, sp;
  uint64 s[12];
};

struct proc {
  enum procstate state;
  int pid;
  struct proc *parent;
  int exit_status;
  pagetable_t root;
  uint64 asid;
  uint64 heap_base; /* the first heap address (page-aligned, after the user image's bss) */
  uint64 brk;       /* the end of the heap; pages are mapped up to PAGE_ROUND_UP(brk) */
  uint8 *kstack;    /* one page; the trapframe sits at its top */
  struct trapframe *tf;
  struct context ctx;
  uint64 wake_at;   /* P_SLEEPING: the time it becomes runnable */
  char name[PROC_NAME_LEN];
};

extern struct proc proc_table[NPROC];

struct proc *proc_alloc(void); /* an empty process (P_EMBRYO) with a pid, or NULL */
void proc_free(struct proc *p);
void proc_check_stack(struct proc *p);
void proc_set_init(struct proc *p);
int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(uint64 user_status);
int64 proc_sbrk(int64 increment);
void proc_sleep(uint64 until);          /* blocks the current process until time `until` */
uint64 proc_next_wakeup(void);          /* the earliest wake_at of a sleeping process, or ~0 */
int proc_wake_sleepers(uint64 now);     /* makes sleepers due by `now` runnable; how many */

#endif
