/* The XenStore client (io/xs_wire.h): a request is a struct xsd_sockmsg header and its payload,
   written into the `req` ring of the store page, then the store's event channel is notified; the
   answer comes back in `rsp`. One request is outstanding at a time. */
#include "pv/xenbus.h"
#include "console.h"
#include "pv/events.h"
#include "pv/pv.h"
#include "string.h"

#define RING 1024
#define XS_READ 2
#define XS_WRITE 11
#define XS_ERROR 16

struct xenstore_domain_interface {
  char req[RING];
  char rsp[RING];
  uint32 req_cons, req_prod;
  uint32 rsp_cons, rsp_prod;
};
struct xsd_sockmsg {
  uint32 type, req_id, tx_id, len;
};

static volatile struct xenstore_domain_interface *xs;
static uint32 port, next_id;

void xenbus_init(void) {
  xs = (struct xenstore_domain_interface *)pv_addr_of_mfn(pv_start_info->store_mfn);
  port = pv_start_info->store_evtchn;
  events_handle(port, 0);
}

static void put(const void *data, uint64 len) {
  const char *p = data;
  for (uint64 i = 0; i < len; i++) {
    while (xs->req_prod - xs->req_cons >= RING) events_notify(port);
    xs->req[xs->req_prod % RING] = p[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    xs->req_prod++;
  }
}

static int have(void *need) { return xs->rsp_prod - xs->rsp_cons >= *(uint32 *)need; }

static void get(void *data, uint64 len) {
  char *p = data;
  uint32 need = (uint32)len;
  events_wait(have, &need);
  for (uint64 i = 0; i < len; i++) p[i] = xs->rsp[(xs->rsp_cons + i) % RING];
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  xs->rsp_cons += (uint32)len;
}

/* One request; the reply payload (up to max bytes kept) in reply. Its length, or -1 for XS_ERROR. */
static int64 transact(uint32 type, const char *path, const char *value, char *reply, uint64 max) {
  uint64 plen = strnlen(path, 256) + 1, vlen = value ? strnlen(value, 256) : 0;
  struct xsd_sockmsg m = {.type = type, .req_id = ++next_id, .tx_id = 0, .len = (uint32)(plen + vlen)};
  put(&m, sizeof(m));
  put(path, plen);
  if (vlen) put(value, vlen);
  events_notify(port);
  struct xsd_sockmsg r;
  get(&r, sizeof(r));
  if (r.len > 4096 || r.req_id != m.req_id) panic("xenbus: bad reply (id %u, %u bytes)", r.req_id, r.len);
  char c;
  for (uint64 i = 0; i < r.len; i++) {
    get(&c, 1);
    if (i < max) reply[i] = c;
  }
  return r.type == XS_ERROR ? -1 : (int64)r.len;
}

int64 xs_read(const char *path, char *buf, uint64 max) {
  int64 n = transact(XS_READ, path, 0, buf, max - 1);
  if (n < 0) return -1;
  if ((uint64)n > max - 1) n = (int64)(max - 1);
  buf[n] = 0;
  return n;
}

int xs_write(const char *path, const char *value) {
  char ok[4];
  return transact(XS_WRITE, path, value, ok, sizeof(ok)) < 0 ? -1 : 0;
}

uint64 xs_read_number(const char *path, uint64 fallback) {
  char buf[24];
  if (xs_read(path, buf, sizeof(buf)) <= 0) return fallback;
  uint64 v = 0;
  for (int i = 0; buf[i]; i++) {
    if (buf[i] < '0' || buf[i] > '9') return fallback;
    v = v * 10 + (uint64)(buf[i] - '0');
  }
  return v;
}

int xs_write_number(const char *path, uint64 n) {
  char buf[24];
  int i = 23;
  buf[i] = 0;
  do buf[--i] = (char)('0' + n % 10); while ((n /= 10) && i > 0);
  return xs_write(path, buf + i);
}
