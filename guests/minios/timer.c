/* The scheduler tick: a one-shot SBI timer re-armed `period` time units after each tick. The
   period counts from when the tick is handled, not from the previous deadline, so a slow tick
   (a busy hypervisor) never makes ticks pile up. */
#include "timer.h"
#include "riscv.h"
#include "sbi.h"

static uint64 tick_period;

void timer_start(uint64 period) {
  tick_period = period;
  if (!period) return;
  sbi_set_timer(read_time() + period);
  csr_set(sie, SIE_STIE);
}

void timer_interrupt(void) { sbi_set_timer(read_time() + tick_period); }
