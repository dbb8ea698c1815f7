/* The timer: the scheduler tick and sleeping processes share the platform's one-shot timer
   (platform.h: the SBI's or the hypervisor's), armed for whichever comes first. The tick period counts from when a tick is handled, not from the
   previous deadline, so a slow tick (a busy hypervisor) never makes ticks pile up. */
#include "timer.h"
#include "proc.h"
#include "platform.h"
#include "riscv.h"

#define NEVER (~0UL)

static uint64 tick_period;
static uint64 next_tick = NEVER;

/* Programs the timer for the earliest of the next tick and the sleepers' wake-up times (which
   also clears a pending timer interrupt). */
static void arm(void) {
  uint64 deadline = next_tick, wake = proc_next_wakeup();
  if (wake < deadline) deadline = wake;
  platform_set_timer(deadline);
}

void timer_start(uint64 period) {
  tick_period = period;
  if (period) next_tick = read_time() + period;
  arm();
}

int timer_interrupt(void) {
  uint64 now = read_time();
  int tick = now >= next_tick;
  if (tick) next_tick = now + tick_period;
  int woke = proc_wake_sleepers(now);
  arm();
  return tick || woke;
}

int timer_sleep(uint64 duration) {
  uint64 now = read_time();
  if (duration > NEVER - 1 - now) return -1;
  proc_sleep(now + duration);
  return 0;
}

void timer_rearm(void) { arm(); }
