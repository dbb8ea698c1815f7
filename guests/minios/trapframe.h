/* The registers of a user thread, saved at the top of its kernel stack on every trap from U-mode
   (trapvec.S writes and reads this layout: keep them in step). */
#ifndef MINIOS_TRAPFRAME_H
#define MINIOS_TRAPFRAME_H

#define TF_REGS 32            /* regs[i] = x_i; regs[0] unused */
#define TF_SEPC (32 * 8)
#define TF_SIZE (34 * 8)      /* a multiple of 16: the kernel stack below stays aligned */

#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A7 17

#ifndef __ASSEMBLER__
#include "types.h"
struct trapframe {
  uint64 regs[TF_REGS];
  uint64 sepc;
  uint64 pad;
};
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapvec.S layout");
#endif

#endif
