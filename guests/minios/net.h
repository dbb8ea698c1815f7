/* The network device: the PV kernel's netfront (pv/netfront.c); the bare machine has none
   (nonet.c). Frames are whole Ethernet frames without the FCS. */
#ifndef MINIOS_NET_H
#define MINIOS_NET_H

#include "types.h"

#define NET_MAX_FRAME 1514

/* Sets up the device: 0, or -1 when there is none. */
int net_init(void);
/* Sends one frame (14..NET_MAX_FRAME bytes; the source MAC is the device's): 0 or -1. */
int net_send(const void *frame, uint64 len);
/* Waits for a frame and copies it into buf (NET_MAX_FRAME bytes): its length, or -1. */
int64 net_recv(void *buf);

#endif
