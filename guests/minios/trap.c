/* Traps. From user mode: system calls, the timer tick (which preempts the process) and faults
   (which kill it). From the kernel: only bugs, since the kernel runs with interrupts off and
   checks user pointers before using them. */
#include "trap.h"
#include "console.h"
#include "proc.h"
#include "riscv.h"
#include "sched.h"
#include "platform.h"
#include "syscall.h"

#define KILLED_STATUS -1

static const char *exception_name(uint64 cause) {
  switch (cause) {
  case EXC_INSN_MISALIGNED: return "instruction address misaligned";
  case EXC_INSN_ACCESS: return "instruction access fault";
  case EXC_ILLEGAL: return "illegal instruction";
  case EXC_BREAKPOINT: return "breakpoint";
  case EXC_LOAD_MISALIGNED: return "load address misaligned";
  case EXC_LOAD_ACCESS: return "load access fault";
  case EXC_STORE_MISALIGNED: return "store address misaligned";
  case EXC_STORE_ACCESS: return "store access fault";
  case EXC_ECALL_U: return "ecall from U-mode";
  case EXC_INSN_PAGE_FAULT: return "instruction page fault";
  case EXC_LOAD_PAGE_FAULT: return "load page fault";
  case EXC_STORE_PAGE_FAULT: return "store page fault";
  default: return "exception";
  }
}

/* The platform's interrupts: a tick (or a sleeper woken) preempts the process. */
static void interrupt(uint64 cause) {
  int r = platform_interrupt(cause);
  if (r < 0) panic("unexpected interrupt, scause 0x%lx", cause);
  if (r) yield();
}

/* Whether stval holds the faulting address. For other exceptions its value is up to the hart
   (an illegal instruction's bits or 0, a breakpoint's pc or 0), so it is not printed: the output
   must be the same on every machine. */
static int tval_is_address(uint64 cause) {
  return cause != EXC_ILLEGAL && cause != EXC_BREAKPOINT && cause <= EXC_STORE_PAGE_FAULT;
}

/* A fault in user code (a page fault on an unmapped or forbidden address, an illegal
   instruction...) ends the process, never the kernel. */
static void kill(struct trapframe *tf, uint64 cause, uint64 tval) {
  struct proc *p = myproc();
  kprintf("minios: pid %d (%s) killed: %s", p->pid, p->name, exception_name(cause));
  if (tval_is_address(cause)) kprintf(" at 0x%lx", tval);
  kprintf(", pc 0x%lx\n", tf->sepc);
  proc_exit(KILLED_STATUS);
}

void user_trap(struct trapframe *tf) {
  uint64 cause = csr_read(scause), tval = csr_read(stval);
  if (cause & SCAUSE_INTERRUPT)
    interrupt(cause);
  else if (cause == EXC_ECALL_U) {
    tf->sepc += 4;
    syscall(tf);
  } else
    kill(tf, cause, tval);
}

void kernel_trap(struct trapframe *tf) {
  uint64 cause = csr_read(scause);
  struct proc *p = myproc();
  panic("kernel trap: %s (scause 0x%lx) at pc 0x%lx, stval 0x%lx, ra 0x%lx, sp 0x%lx, pid %d",
        cause & SCAUSE_INTERRUPT ? "interrupt" : exception_name(cause), cause, tf->sepc,
        csr_read(stval), tf->regs[REG_RA], tf->regs[REG_SP], p ? p->pid : 0);
}
