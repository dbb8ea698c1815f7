/* Event channels of the PV kernel: ports bound to handlers, delivered by the upcall. */
#ifndef MINIOS_PV_EVENTS_H
#define MINIOS_PV_EVENTS_H

#include "types.h"

/* A port's handler; returns 1 when the kernel should reschedule (a tick). */
typedef int (*event_handler)(uint32 port);

/* Binds a virtual IRQ to a new port with `handler`, unmasked. The port. */
uint32 events_bind_virq(uint32 virq, event_handler handler);
/* Handles an existing port (from start_info or an alloc_unbound) with `handler`, unmasked. */
void events_handle(uint32 port, event_handler handler);
/* Notifies the port's remote end. */
void events_notify(uint32 port);
/* Allocates a port a backend in `remote` may bind. */
uint32 events_alloc_unbound(uint16 remote);
/* Waits (SCHEDOP_block) until `done(arg)` holds; events are handled meanwhile by the caller's polling. */
void events_wait(int (*done)(void *), void *arg);

#endif
