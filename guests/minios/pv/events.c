/* The event upcall: the hypervisor raises the S-mode software interrupt when an unmasked port of
   ours goes pending; the handler clears it, then scans pending_sel and the pending words of the
   shared-info page (the 2-level ABI), clearing each port before calling its handler. */
#include "pv/events.h"
#include "console.h"
#include "pv/hypercall.h"
#include "pv/pv.h"
#include "riscv.h"

#define MAX_HANDLED 64
#define SIP_SSIP (1UL << 1)

static struct shared_info *shared;
static event_handler handlers[MAX_HANDLED];

void events_init(void) {
  shared = (struct shared_info *)pv_addr_of_mfn(pv_start_info->shared_info >> 12);
  /* Every port masked (a guest sets mask bits itself); the ports it handles are unmasked by the hypervisor. */
  for (int w = 0; w < 64; w++) shared->evtchn_mask[w] = ~0UL;
  shared->vcpu_info[0].evtchn_upcall_mask = 0;
  csr_set(sie, SIE_SSIE);
}

void events_handle(uint32 port, event_handler handler) {
  if (port == 0 || port >= MAX_HANDLED) panic("pv: event port %u out of range", port);
  handlers[port] = handler;
  struct evtchn_unmask u = {.port = port};
  if (HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u) < 0) panic("pv: cannot unmask port %u", port);
}

uint32 events_bind_virq(uint32 virq, event_handler handler) {
  struct evtchn_bind_virq b = {.virq = virq, .vcpu = 0};
  if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b) < 0) panic("pv: cannot bind virq %u", virq);
  events_handle(b.port, handler);
  return b.port;
}

uint32 events_alloc_unbound(uint16 remote) {
  struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
  if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a) < 0) panic("pv: cannot allocate an event channel");
  return a.port;
}

void events_notify(uint32 port) {
  struct evtchn_send s = {.port = port};
  HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

void events_wait(int (*done)(void *), void *arg) {
  while (!done(arg)) HYPERVISOR_sched_op(SCHEDOP_block, 0);
}

int events_upcall(void) {
  csr_clear(sip, SIP_SSIP);
  struct vcpu_info *v = &shared->vcpu_info[0];
  v->evtchn_upcall_pending = 0;
  uint64 sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
  int resched = 0;
  while (sel) {
    uint64 w = (uint64)__builtin_ctzl(sel);
    sel &= sel - 1;
    uint64 bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];
    while (bits) {
      uint64 b = (uint64)__builtin_ctzl(bits);
      bits &= bits - 1;
      __atomic_fetch_and(&shared->evtchn_pending[w], ~(1UL << b), __ATOMIC_SEQ_CST);
      uint32 port = (uint32)(w * 64 + b);
      if (port < MAX_HANDLED && handlers[port]) resched |= handlers[port](port);
    }
  }
  return resched;
}
