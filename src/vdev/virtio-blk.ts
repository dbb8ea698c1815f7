/**
 * virtio-blk (virtio 1.x, 5.2) on a BlockStore: a request is a chain of a 16-byte header
 * { le32 type, le32 reserved, le64 sector } the driver wrote, data buffers, and a status byte the
 * device writes last. Reads (IN), writes (OUT, unless the disk is read-only: VIRTIO_BLK_F_RO),
 * flushes and GET_ID; anything malformed (a short header, data not whole sectors, past the end of
 * the disk, buffers the wrong way round) gets VIRTIO_BLK_S_IOERR, and an unknown type UNSUPP.
 */
import type { VirtioDevice } from './virtio-mmio.js';
import { F_VERSION_1 } from './virtio-mmio.js';
import type { DescBuffer } from './virtqueue.js';
import type { DmaMemory } from './dma.js';
import { SECTOR, type BlockStore } from './block-store.js';

export const VIRTIO_ID_BLOCK = 2;
const F_RO = 1n << 5n;
const T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8;
const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
const HEADER = 16;

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queues = 1;
  readonly queueNumMax = 64;
  readonly features: bigint;
  /** Requests served, by outcome. */
  readonly counts = { read: 0, write: 0, error: 0 };

  constructor(readonly store: BlockStore, readonly id = 'vmlab-disk') {
    this.features = F_VERSION_1 | (store.readonly ? F_RO : 0n);
  }

  /** struct virtio_blk_config: le64 capacity (in 512-byte sectors) first; the rest 0. */
  config(offset: number, size: number): bigint {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(this.store.sectors), true);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(offset + i < bytes.length ? bytes[offset + i] : 0);
    return v;
  }

  serve(_q: number, chain: DescBuffer[], mem: DmaMemory): number {
    const status = chain.at(-1);
    if (!status || !status.writable || status.len < 1) return 0; // no status byte to answer in: nothing to do
    const statusAt = status.addr + BigInt(status.len - 1);
    const body = [...chain.slice(0, -1), ...(status.len > 1 ? [{ ...status, len: status.len - 1 }] : [])];
    const { code, written } = this.request(body, mem);
    if (code !== S_OK) this.counts.error++;
    mem.write(statusAt, Uint8Array.of(code));
    return written + 1;
  }

  private request(body: DescBuffer[], mem: DmaMemory): { code: number; written: number } {
    const readable = body.filter((b) => !b.writable), data = body.slice(readable.length);
    const headerBytes = gather(readable, mem);
    if (headerBytes.length < HEADER) return { code: S_IOERR, written: 0 };
    const h = new DataView(headerBytes.buffer);
    const type = h.getUint32(0, true), sector = h.getBigUint64(8, true);
    const payload = headerBytes.subarray(HEADER);
    switch (type) {
      case T_IN: {
        if (data.some((b) => !b.writable)) return { code: S_IOERR, written: 0 };
        const len = data.reduce((n, b) => n + b.len, 0);
        if (len % SECTOR !== 0 || !this.fits(sector, len / SECTOR)) return { code: S_IOERR, written: 0 };
        scatter(this.store.read(Number(sector), len / SECTOR), data, mem);
        this.counts.read++;
        return { code: S_OK, written: len };
      }
      case T_OUT: {
        if (this.store.readonly || data.length || payload.length % SECTOR !== 0 || !this.fits(sector, payload.length / SECTOR)) return { code: S_IOERR, written: 0 };
        this.store.write(Number(sector), payload);
        this.counts.write++;
        return { code: S_OK, written: 0 };
      }
      case T_FLUSH: return { code: S_OK, written: 0 };
      case T_GET_ID: {
        const id = new Uint8Array(20);
        id.set(new TextEncoder().encode(this.id).subarray(0, 20));
        return { code: S_OK, written: scatter(id, data, mem) };
      }
      default: return { code: S_UNSUPP, written: 0 };
    }
  }

  private fits(sector: bigint, count: number): boolean { return sector <= BigInt(this.store.sectors) && BigInt(count) <= BigInt(this.store.sectors) - sector; }
}

/** The readable buffers' bytes, concatenated. */
function gather(bufs: DescBuffer[], mem: DmaMemory): Uint8Array {
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.len, 0));
  let at = 0;
  for (const b of bufs) { out.set(mem.read(b.addr, b.len), at); at += b.len; }
  return out;
}

/** Writes `src` across the writable buffers in order; returns the bytes written. */
function scatter(src: Uint8Array, bufs: DescBuffer[], mem: DmaMemory): number {
  let at = 0;
  for (const b of bufs) {
    if (at >= src.length) break;
    const n = Math.min(b.len, src.length - at);
    mem.write(b.addr, src.subarray(at, at + n));
    at += n;
  }
  return at;
}
