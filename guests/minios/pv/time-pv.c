/* The PV kernel's timer and idle: set_timer_op is the one-shot timer, its expiry VIRQ_TIMER (an
   event, handled by timer_interrupt); idling is SCHEDOP_block, which returns once an event is
   pending, and the events are then handled here (the kernel runs with SIE = 0: no upcall). */
#include "platform.h"
#include "pv/events.h"
#include "pv/hypercall.h"
#include "pv/pv.h"
#include "timer.h"

static int timer_event(uint32 port) {
  (void)port;
  return timer_interrupt();
}

void pv_time_init(void) { events_bind_virq(VIRQ_TIMER, timer_event); }

void platform_set_timer(uint64 deadline) { HYPERVISOR_set_timer_op(deadline); }

void platform_idle(void) {
  HYPERVISOR_sched_op(SCHEDOP_block, 0);
  events_upcall();
}
