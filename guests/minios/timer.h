/* The scheduler tick. */
#ifndef MINIOS_TIMER_H
#define MINIOS_TIMER_H

#include "types.h"

void timer_start(uint64 period); /* period 0: no tick */
void timer_interrupt(void);      /* on a supervisor timer interrupt: arms the next tick */

#endif
