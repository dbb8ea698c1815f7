/**
 * A split virtqueue (virtio 1.x, 2.7): the descriptor table, the driver's available ring and the
 * device's used ring, all in the driver's memory. The device side takes each chain the driver
 * made available, hands its buffers to the device, and returns it in the used ring with the
 * number of bytes written. Everything it reads is untrusted: indices past the ring, chains longer
 * than the queue or looping, and buffers outside memory are errors (the device then needs a reset).
 */
import type { DmaMemory } from './dma.js';

export const DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;

/** One buffer of a chain, in guest-physical memory. */
export interface DescBuffer { addr: bigint; len: number; writable: boolean }

export class VirtqueueError extends Error {}

/** The most bytes one chain may move (no real request comes near it). */
const MAX_CHAIN_BYTES = 1 << 20;

export class Virtqueue {
  num = 0;
  ready = false;
  desc = 0n;
  driver = 0n;
  device = 0n;
  private lastAvail = 0;
  private usedIdx = 0;

  reset(): void { this.num = 0; this.ready = false; this.desc = this.driver = this.device = 0n; this.lastAvail = this.usedIdx = 0; }

  private u16(mem: DmaMemory, a: bigint): number { return new DataView(mem.read(a, 2).buffer).getUint16(0, true); }

  /** The chains made available since the last call, each handled by `serve` (bytes written back), returned used. */
  process(mem: DmaMemory, serve: (chain: DescBuffer[]) => number): number {
    const availIdx = this.u16(mem, this.driver + 2n);
    const waiting = (availIdx - this.lastAvail) & 0xffff;
    if (waiting > this.num) throw new VirtqueueError(`avail.idx ${availIdx} is ${waiting} ahead of ${this.lastAvail} on a queue of ${this.num}`);
    for (let n = 0; n < waiting; n++) {
      const head = this.u16(mem, this.driver + 4n + BigInt(2 * (this.lastAvail % this.num)));
      const written = serve(this.chain(mem, head));
      const elem = new Uint8Array(8);
      const v = new DataView(elem.buffer);
      v.setUint32(0, head, true);
      v.setUint32(4, written, true);
      mem.write(this.device + 4n + BigInt(8 * (this.usedIdx % this.num)), elem);
      this.usedIdx = (this.usedIdx + 1) & 0xffff;
      mem.write(this.device + 2n, Uint8Array.of(this.usedIdx & 0xff, this.usedIdx >> 8));
      this.lastAvail = (this.lastAvail + 1) & 0xffff;
    }
    return waiting;
  }

  private chain(mem: DmaMemory, head: number): DescBuffer[] {
    const out: DescBuffer[] = [];
    let total = 0;
    for (let i = head, hops = 0; ; hops++) {
      if (i >= this.num) throw new VirtqueueError(`descriptor ${i} outside a queue of ${this.num}`);
      if (hops >= this.num) throw new VirtqueueError('a descriptor chain longer than the queue (a loop)');
      const d = new DataView(mem.read(this.desc + BigInt(16 * i), 16).buffer);
      const addr = d.getBigUint64(0, true), len = d.getUint32(8, true), flags = d.getUint16(12, true), next = d.getUint16(14, true);
      if (flags & DESC_F_INDIRECT) throw new VirtqueueError('an indirect descriptor (VIRTIO_F_INDIRECT_DESC was not offered)');
      total += len;
      if (total > MAX_CHAIN_BYTES) throw new VirtqueueError(`a chain of more than ${MAX_CHAIN_BYTES} bytes`);
      out.push({ addr, len, writable: (flags & DESC_F_WRITE) !== 0 });
      if (!(flags & DESC_F_NEXT)) return out;
      i = next;
    }
  }
}
