/* The PV scheduler tick: a one-shot timer (set_timer_op) whose expiry is VIRQ_TIMER, re-armed
   `period` after each tick is handled, as the native timer.c does with the SBI. */
#include "timer.h"
#include "pv/events.h"
#include "pv/hypercall.h"
#include "riscv.h"

static uint64 tick_period;

static int tick(uint32 port) {
  (void)port;
  timer_interrupt();
  return 1;
}

void timer_start(uint64 period) {
  tick_period = period;
  if (!period) return;
  events_bind_virq(VIRQ_TIMER, tick);
  HYPERVISOR_set_timer_op(read_time() + period);
}

void timer_interrupt(void) { HYPERVISOR_set_timer_op(read_time() + tick_period); }
