/* XenStore from the PV kernel: read and write nodes over the store ring of start_info. Paths
   without a leading '/' are relative to the domain's own /local/domain/<id>. */
#ifndef MINIOS_PV_XENBUS_H
#define MINIOS_PV_XENBUS_H

#include "types.h"

/* XenbusState values. */
#define XenbusStateInitialising 1
#define XenbusStateInitWait 2
#define XenbusStateInitialised 3
#define XenbusStateConnected 4

void xenbus_init(void);
/* The node's value, NUL-terminated, in buf (at most max - 1 bytes): its length, or -1. */
int64 xs_read(const char *path, char *buf, uint64 max);
int xs_write(const char *path, const char *value);
/* A node holding a decimal number, or `fallback`. */
uint64 xs_read_number(const char *path, uint64 fallback);
/* Writes n in decimal. */
int xs_write_number(const char *path, uint64 n);

#endif
