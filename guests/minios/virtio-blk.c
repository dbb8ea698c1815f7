/* The native block driver: a virtio-blk device on a virtio-mmio transport (virtio 1.x, the
   modern register layout), as QEMU's virt machine offers them at 0x1000_1000 + 0x1000 n. One
   virtqueue of QUEUE_SIZE descriptors; a read is a three-descriptor chain (request header,
   data, status) made available with one QueueNotify write, then the used ring is polled and the
   used-buffer interrupt acknowledged (InterruptStatus, InterruptACK), so the driver needs no
   interrupt controller. Runs the same on vmlab (the device of src/vdev) and on QEMU with
   `-drive file=disk.img,if=none,format=raw,id=d0 -device virtio-blk-device,drive=d0`. */
#include "blk.h"
#include "console.h"
#include "kalloc.h"
#include "memlayout.h"

#define VIRTIO_MMIO_SLOTS 8
#define VIRTIO_MMIO_STRIDE 0x1000UL

#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INTERRUPT_STATUS 0x060
#define INTERRUPT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC_LOW 0x080
#define QUEUE_DESC_HIGH 0x084
#define QUEUE_DRIVER_LOW 0x090
#define QUEUE_DRIVER_HIGH 0x094
#define QUEUE_DEVICE_LOW 0x0a0
#define QUEUE_DEVICE_HIGH 0x0a4
#define CONFIG_GENERATION 0x0fc
#define CONFIG 0x100 /* struct virtio_blk_config: le64 capacity first */

#define MAGIC_VALUE 0x74726976 /* "virt" */
#define DEVICE_BLOCK 2
#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define F_VERSION_1_WORD1 1 /* feature bit 32 */

#define QUEUE_SIZE 8
#define DESC_NEXT 1
#define DESC_WRITE 2
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1

struct virtq_desc {
  uint64 addr;
  uint32 len;
  uint16 flags, next;
};
struct virtq_avail {
  uint16 flags, idx;
  uint16 ring[QUEUE_SIZE];
};
struct virtq_used_elem {
  uint32 id, len;
};
struct virtq_used {
  uint16 flags, idx;
  struct virtq_used_elem ring[QUEUE_SIZE];
};
struct blk_req {
  uint32 type, reserved;
  uint64 sector;
};

/* The queue in one page: descriptors, then the available ring, then the used ring (4-aligned). */
struct queue_page {
  struct virtq_desc desc[QUEUE_SIZE];
  struct virtq_avail avail;
  uint8 pad[256 - sizeof(struct virtq_avail)];
  struct virtq_used used;
  struct blk_req req;
  uint8 status;
};

static uint64 base;
static volatile struct queue_page *q;
static uint16 last_used;
static uint64 capacity;

static uint32 rd(uint32 off) { return *(volatile uint32 *)(base + off); }
static void wr(uint32 off, uint32 v) { *(volatile uint32 *)(base + off) = v; }

static int probe(void) {
  for (uint64 i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
    base = VIRTIO_MMIO_VA + i * VIRTIO_MMIO_STRIDE;
    if (rd(MAGIC) == MAGIC_VALUE && rd(VERSION) == 2 && rd(DEVICE_ID) == DEVICE_BLOCK) return 0;
  }
  base = 0;
  return -1;
}

static void set_addr(uint32 low, uint64 pa) {
  wr(low, (uint32)pa);
  wr(low + 4, (uint32)(pa >> 32));
}

int blk_init(void) {
  if (probe() < 0) return -1;
  wr(STATUS, 0);
  wr(STATUS, S_ACKNOWLEDGE);
  wr(STATUS, S_ACKNOWLEDGE | S_DRIVER);
  wr(DEVICE_FEATURES_SEL, 1);
  if (!(rd(DEVICE_FEATURES) & F_VERSION_1_WORD1)) return -1;
  wr(DRIVER_FEATURES_SEL, 1);
  wr(DRIVER_FEATURES, F_VERSION_1_WORD1);
  wr(DRIVER_FEATURES_SEL, 0);
  wr(DRIVER_FEATURES, 0);
  wr(STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
  if (!(rd(STATUS) & S_FEATURES_OK)) return -1;
  wr(QUEUE_SEL, 0);
  if (rd(QUEUE_NUM_MAX) < QUEUE_SIZE) return -1;
  q = kzalloc();
  if (!q) return -1;
  wr(QUEUE_NUM, QUEUE_SIZE);
  set_addr(QUEUE_DESC_LOW, (uint64)q->desc);
  set_addr(QUEUE_DRIVER_LOW, (uint64)&q->avail);
  set_addr(QUEUE_DEVICE_LOW, (uint64)&q->used);
  wr(QUEUE_READY, 1);
  wr(STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
  uint32 gen;
  do {
    gen = rd(CONFIG_GENERATION);
    capacity = (uint64)rd(CONFIG) | (uint64)rd(CONFIG + 4) << 32;
  } while (gen != rd(CONFIG_GENERATION));
  return 0;
}

uint64 blk_sectors(void) { return capacity; }

/* One request (a read into buf, or a write from it), polled to its end: 0, or -1. */
static int request(uint32 type, uint64 sector, uint32 count, void *buf) {
  if (!q || count < 1 || count > BLK_MAX_SECTORS || sector > capacity || count > capacity - sector) return -1;
  q->req = (struct blk_req){.type = type, .sector = sector};
  q->status = 0xff;
  q->desc[0] = (struct virtq_desc){.addr = (uint64)&q->req, .len = sizeof(q->req), .flags = DESC_NEXT, .next = 1};
  q->desc[1] = (struct virtq_desc){.addr = (uint64)buf, .len = count * BLK_SECTOR, .flags = DESC_NEXT | (type == VIRTIO_BLK_T_IN ? DESC_WRITE : 0), .next = 2};
  q->desc[2] = (struct virtq_desc){.addr = (uint64)&q->status, .len = 1, .flags = DESC_WRITE};
  q->avail.ring[q->avail.idx % QUEUE_SIZE] = 0;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  q->avail.idx++;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  wr(QUEUE_NOTIFY, 0);
  while (q->used.idx == last_used) {} /* polled: the device completes the chain */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  last_used++;
  wr(INTERRUPT_ACK, rd(INTERRUPT_STATUS));
  return q->status == 0 ? 0 : -1;
}

int blk_read(uint64 sector, uint32 count, void *buf) { return request(VIRTIO_BLK_T_IN, sector, count, buf); }
int blk_write(uint64 sector, uint32 count, const void *buf) { return request(VIRTIO_BLK_T_OUT, sector, count, (void *)buf); }
