/* The block device: native minios drives a virtio-blk device (virtio-blk.c), the PV kernel its
   blkfront (pv/blkfront.c). Sectors are 512 bytes. */
#ifndef MINIOS_BLK_H
#define MINIOS_BLK_H

#include "types.h"

#define BLK_SECTOR 512
#define BLK_MAX_SECTORS 8 /* one page per request */

/* Finds and sets up the device: 0, or -1 when the machine has none (or it misbehaves). */
int blk_init(void);
/* The device's size in sectors (0 without a device). */
uint64 blk_sectors(void);
/* Reads `count` (1..BLK_MAX_SECTORS) sectors from `sector` into buf: 0, or -1. */
int blk_read(uint64 sector, uint32 count, void *buf);
/* Writes `count` (1..BLK_MAX_SECTORS) sectors from buf at `sector`: 0, or -1 (a read-only disk too). */
int blk_write(uint64 sector, uint32 count, const void *buf);

#endif
