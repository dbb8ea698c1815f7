/* The PV console: a frontend on the console page of start_info (struct xencons_interface), its
   output ring drained by dom0's console backend. A line is written into the ring and the backend
   notified at its newline (or when the ring is full: the backend empties it during the notify). */
#include "platform.h"
#include "pv/events.h"
#include "pv/hypercall.h"
#include "pv/pv.h"

#define OUT_SIZE 2048

struct xencons_interface {
  char in[1024];
  char out[OUT_SIZE];
  uint32 in_cons, in_prod;
  uint32 out_cons, out_prod;
};

static volatile struct xencons_interface *cons;
static uint32 port;

void pv_console_init(void) {
  cons = (struct xencons_interface *)pv_addr_of_mfn(pv_start_info->console_mfn);
  port = pv_start_info->console_evtchn;
}

void pv_console_flush(void) {
  if (cons && cons->out_prod != cons->out_cons) events_notify(port);
}

void platform_putc(char c) {
  if (!cons) return;
  while (cons->out_prod - cons->out_cons >= OUT_SIZE) events_notify(port); /* the backend drains it */
  cons->out[cons->out_prod % OUT_SIZE] = c;
  __atomic_thread_fence(__ATOMIC_RELEASE); /* the byte before the index (wmb) */
  cons->out_prod++;
  if (c == '\n') events_notify(port);
}
