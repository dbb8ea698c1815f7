/* The timer: the scheduler tick and sleeping processes. */
#ifndef MINIOS_TIMER_H
#define MINIOS_TIMER_H

#include "types.h"

void timer_start(uint64 period); /* period 0: no tick */
int timer_interrupt(void);       /* on a supervisor timer interrupt: wakes sleepers, arms the next
                                    deadline; nonzero when the running process should yield */
int timer_sleep(uint64 duration); /* blocks the calling process for `duration` time units; -1 if
                                     the wake-up time would not fit in 64 bits */
void timer_rearm(void);          /* after the set of sleepers changed */

#endif
