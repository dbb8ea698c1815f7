/* The bare machine has no network device (vmlab's machine, like minios on QEMU here, offers only
   the block device); the calls fail as they would without a driver. */
#include "net.h"

int net_init(void) { return -1; }
int net_send(const void *frame, uint64 len) {
  (void)frame;
  (void)len;
  return -1;
}
int64 net_recv(void *buf) {
  (void)buf;
  return -1;
}
