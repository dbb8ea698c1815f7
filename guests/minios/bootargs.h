/* Boot arguments: what to run, read from the minios_bootargs symbol. */
#ifndef MINIOS_BOOTARGS_H
#define MINIOS_BOOTARGS_H

#include "exec.h"
#include "types.h"

#define BOOTARGS_SIZE 256
#define TICK_DEFAULT 100000 /* time units: 10 ms at QEMU virt's 10 MHz timebase */
#define TICK_MIN 1000       /* below this a process could hardly run between ticks */

struct bootargs {
  uint64 tick;              /* timer period; 0 = no timer, no preemption */
  struct execargs init;     /* init's argv: "init", then the "name=count" runs in order */
};

/* Parses minios_bootargs; on bad input prints why and returns -1. */
int bootargs_parse(struct bootargs *out);

#endif
