/* The scheduler: preemptive round robin over the runnable processes. */
#ifndef MINIOS_SCHED_H
#define MINIOS_SCHED_H

#include "proc.h"

struct proc *myproc(void);
void scheduler(void) __attribute__((noreturn));
void sched(void); /* gives the hart up; the caller has set myproc()->state */
void yield(void);
void swtch(struct context *old, struct context *new); /* swtch.S */

#endif
