/* netecho: n network round trips, the guest's end: receive a frame, send it back to where it came
   from (destination and source MAC swapped; the NIC sets the source). The checksum is FNV-1a of
   every payload echoed, which the host on the other end computes too. */
#include "user/ulib.h"

static uint8 frame[1514];

int netecho_main(int argc, char **argv) {
  uint64 n, h = 0xcbf29ce484222325UL;
  if (get_count(argc, argv, &n) < 0) return 1;
  for (uint64 i = 0; i < n; i++) {
    int64 len = netrecv(frame);
    if (len < 14) {
      print("netecho: no network device\n");
      return 1;
    }
    for (int k = 0; k < 6; k++) frame[k] = frame[6 + k]; /* back to the sender */
    for (int64 k = 14; k < len; k++) h = (h ^ frame[k]) * 0x100000001b3UL;
    if (netsend(frame, (uint64)len) < 0) {
      print("netecho: send failed\n");
      return 1;
    }
  }
  report("netecho", n, h);
  return 0;
}
