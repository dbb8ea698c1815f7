/* The network frontend (io/netif.h, rx-copy): a TX ring and an RX ring, each a granted page,
   RX_BUFS receive pages granted writable and posted, one transmit page granted read-only. A send
   puts one request on the TX ring (a notification only if the backend asked for one) and waits
   for its response; a receive waits for a response on the RX ring, copies the frame out and posts
   the buffer again. Set up over XenStore as device/vif/0 (the toolstack wrote its mac). */
#include "net.h"
#include "console.h"
#include "kalloc.h"
#include "pv/events.h"
#include "pv/gnttab.h"
#include "pv/xenbus.h"
#include "string.h"

#define DEV "device/vif/0"
#define RING_SIZE 256
#define RX_BUFS 8

struct netif_tx_request {
  uint32 gref;
  uint16 offset, flags, id, size;
};
struct netif_tx_response {
  uint16 id;
  int16 status;
};
struct netif_rx_request {
  uint16 id, pad;
  uint32 gref;
};
struct netif_rx_response {
  uint16 id, offset, flags;
  int16 status;
};
union tx_entry {
  struct netif_tx_request req;
  struct netif_tx_response rsp;
};
union rx_entry {
  struct netif_rx_request req;
  struct netif_rx_response rsp;
};
struct tx_sring {
  uint32 req_prod, req_event, rsp_prod, rsp_event;
  uint8 pad[48];
  union tx_entry ring[RING_SIZE];
};
struct rx_sring {
  uint32 req_prod, req_event, rsp_prod, rsp_event;
  uint8 pad[48];
  union rx_entry ring[RING_SIZE];
};
_Static_assert(sizeof(struct tx_sring) <= 4096 && sizeof(struct rx_sring) <= 4096, "rings fit a page");

static volatile struct tx_sring *tx;
static volatile struct rx_sring *rx;
static uint32 tx_prod_pvt, tx_cons, rx_prod_pvt, rx_cons, port, tx_ref;
static uint8 *tx_page, *rx_pages[RX_BUFS];
static uint32 rx_refs[RX_BUFS];

/* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY on either ring. */
static void push(volatile uint32 *req_prod, volatile uint32 *req_event, uint32 next) {
  uint32 old = *req_prod;
  __atomic_thread_fence(__ATOMIC_RELEASE);
  *req_prod = next;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if ((uint32)(next - *req_event) < (uint32)(next - old)) events_notify(port);
}

static void post_rx(uint16 id) {
  volatile struct netif_rx_request *r = &rx->ring[rx_prod_pvt % RING_SIZE].req;
  r->id = id;
  r->gref = rx_refs[id];
  push(&rx->req_prod, &rx->req_event, ++rx_prod_pvt);
}

int net_init(void) {
  char backend[128], path[160];
  if (xs_read(DEV "/backend", backend, sizeof(backend)) <= 0) return -1;
  tx = kzalloc();
  rx = kzalloc();
  tx_page = kzalloc();
  if (!tx || !rx || !tx_page) panic("netfront: no memory");
  tx->req_event = tx->rsp_event = rx->req_event = rx->rsp_event = 1;
  uint32 tx_ring_ref = gnttab_grant(0, (void *)tx, 0), rx_ring_ref = gnttab_grant(0, (void *)rx, 0);
  tx_ref = gnttab_grant(0, tx_page, 1);
  port = events_alloc_unbound(0);
  events_handle(port, 0);
  if (xs_write_number(DEV "/tx-ring-ref", tx_ring_ref) < 0 || xs_write_number(DEV "/rx-ring-ref", rx_ring_ref) < 0 ||
      xs_write_number(DEV "/event-channel", port) < 0 || xs_write(DEV "/request-rx-copy", "1") < 0 ||
      xs_write_number(DEV "/state", XenbusStateInitialised) < 0)
    panic("netfront: cannot write XenStore");
  uint64 n = strnlen(backend, sizeof(backend));
  memcpy(path, backend, n);
  memcpy(path + n, "/state", 7);
  if (xs_read_number(path, 0) != XenbusStateConnected) return -1;
  for (uint16 i = 0; i < RX_BUFS; i++) {
    rx_pages[i] = kzalloc();
    if (!rx_pages[i]) panic("netfront: no memory");
    rx_refs[i] = gnttab_grant(0, rx_pages[i], 0);
    post_rx(i);
  }
  xs_write_number(DEV "/state", XenbusStateConnected);
  return 0;
}

/* A response has arrived (RING_FINAL_CHECK_FOR_RESPONSES). */
static int responded(volatile uint32 *rsp_prod, volatile uint32 *rsp_event, uint32 cons) {
  if (*rsp_prod != cons) return 1;
  *rsp_event = cons + 1;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return *rsp_prod != cons;
}
static int tx_done(void *arg) { (void)arg; return responded(&tx->rsp_prod, &tx->rsp_event, tx_cons); }
static int rx_ready(void *arg) { (void)arg; return responded(&rx->rsp_prod, &rx->rsp_event, rx_cons); }

int net_send(const void *frame, uint64 len) {
  if (!tx || len < 14 || len > NET_MAX_FRAME) return -1;
  memcpy(tx_page, frame, len);
  volatile struct netif_tx_request *r = &tx->ring[tx_prod_pvt % RING_SIZE].req;
  r->gref = tx_ref;
  r->offset = 0;
  r->flags = 0;
  r->id = (uint16)tx_prod_pvt;
  r->size = (uint16)len;
  push(&tx->req_prod, &tx->req_event, ++tx_prod_pvt);
  events_wait(tx_done, 0);
  int16 status = tx->ring[tx_cons % RING_SIZE].rsp.status;
  tx_cons++;
  return status == 0 ? 0 : -1;
}

int64 net_recv(void *buf) {
  if (!rx) return -1;
  events_wait(rx_ready, 0);
  volatile struct netif_rx_response *r = &rx->ring[rx_cons % RING_SIZE].rsp;
  uint16 id = r->id;
  int64 len = r->status;
  rx_cons++;
  if (id >= RX_BUFS) panic("netfront: response for buffer %u", id);
  if (len > 0 && len <= NET_MAX_FRAME) memcpy(buf, rx_pages[id] + r->offset, (uint64)len);
  post_rx(id);
  return len > 0 && len <= NET_MAX_FRAME ? len : -1;
}
