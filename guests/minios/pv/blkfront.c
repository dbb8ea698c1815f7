/* The block frontend (io/blkif.h): one ring page and one data page, both granted to the backend;
   a read is one request of one segment (up to a page), pushed with a notification only when the
   backend asked for one, and waited for on the ring. Set up over XenStore: the toolstack wrote
   device/vbd/768/backend; the frontend writes ring-ref, event-channel and state Initialised, and
   the backend answers Connected with the disk's size. */
#include "blk.h"
#include "console.h"
#include "kalloc.h"
#include "pv/events.h"
#include "pv/gnttab.h"
#include "pv/xenbus.h"
#include "string.h"

#define VDEV 768 /* xvda */
#define DEV "device/vbd/768"
#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define RING_SIZE 32

struct blkif_request_segment {
  uint32 gref;
  uint8 first_sect, last_sect;
  uint16 pad;
};
struct blkif_request {
  uint8 operation, nr_segments;
  uint16 handle;
  uint32 pad;
  uint64 id;
  uint64 sector_number;
  struct blkif_request_segment seg[11];
};
struct blkif_response {
  uint64 id;
  uint8 operation;
  uint8 pad;
  int16 status;
  uint32 pad2;
};
union blkif_entry {
  struct blkif_request req;
  struct blkif_response rsp;
};
struct blkif_sring {
  uint32 req_prod, req_event, rsp_prod, rsp_event;
  uint8 pad[48];
  union blkif_entry ring[RING_SIZE];
};
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request layout");

static volatile struct blkif_sring *sring;
static uint8 *data;
static uint32 req_prod_pvt, rsp_cons, port, data_ref;
static uint64 sectors;

int blk_init(void) {
  char backend[128], path[160];
  if (xs_read(DEV "/backend", backend, sizeof(backend)) <= 0) return -1;
  sring = kzalloc();
  data = kzalloc();
  if (!sring || !data) panic("blkfront: no memory");
  sring->req_event = sring->rsp_event = 1;
  uint32 ring_ref = gnttab_grant(0, (void *)sring, 0);
  data_ref = gnttab_grant(0, data, 0);
  port = events_alloc_unbound(0);
  events_handle(port, 0);
  if (xs_write_number(DEV "/ring-ref", ring_ref) < 0 || xs_write_number(DEV "/event-channel", port) < 0 ||
      xs_write_number(DEV "/state", XenbusStateInitialised) < 0)
    panic("blkfront: cannot write XenStore");
  memcpy(path, backend, strnlen(backend, sizeof(backend)) + 1);
  uint64 n = strnlen(path, sizeof(path));
  memcpy(path + n, "/state", 7);
  if (xs_read_number(path, 0) != XenbusStateConnected) return -1;
  memcpy(path + n, "/sectors", 9);
  sectors = xs_read_number(path, 0);
  xs_write_number(DEV "/state", XenbusStateConnected);
  return 0;
}

uint64 blk_sectors(void) { return sectors; }

static int answered(void *arg) {
  (void)arg;
  if (sring->rsp_prod != rsp_cons) return 1;
  sring->rsp_event = rsp_cons + 1; /* RING_FINAL_CHECK_FOR_RESPONSES */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return sring->rsp_prod != rsp_cons;
}

/* One request of one segment on the data page, waited for: 0, or -1. */
static int request(uint8 op, uint64 sector, uint32 count) {
  if (!sring || count < 1 || count > BLK_MAX_SECTORS || sector > sectors || count > sectors - sector) return -1;
  volatile struct blkif_request *r = &sring->ring[req_prod_pvt % RING_SIZE].req;
  r->operation = op;
  r->nr_segments = 1;
  r->handle = VDEV;
  r->id = req_prod_pvt;
  r->sector_number = sector;
  r->seg[0].gref = data_ref;
  r->seg[0].first_sect = 0;
  r->seg[0].last_sect = (uint8)(count - 1);
  uint32 old = sring->req_prod, next = ++req_prod_pvt;
  __atomic_thread_fence(__ATOMIC_RELEASE);
  sring->req_prod = next; /* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if ((uint32)(next - sring->req_event) < (uint32)(next - old)) events_notify(port);
  events_wait(answered, 0);
  volatile struct blkif_response *rsp = &sring->ring[rsp_cons % RING_SIZE].rsp;
  int ok = rsp->id == next - 1 && rsp->status == 0;
  rsp_cons++;
  return ok ? 0 : -1;
}

int blk_read(uint64 sector, uint32 count, void *buf) {
  if (request(BLKIF_OP_READ, sector, count) < 0) return -1;
  memcpy(buf, data, count * BLK_SECTOR);
  return 0;
}

int blk_write(uint64 sector, uint32 count, const void *buf) {
  if (count < 1 || count > BLK_MAX_SECTORS) return -1;
  memcpy(data, buf, count * BLK_SECTOR);
  return request(BLKIF_OP_WRITE, sector, count);
}
