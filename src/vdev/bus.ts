/**
 * The emulated devices of a machine or VM at their physical addresses: QEMU virt's eight
 * virtio-mmio transports from 0x1000_1000, the first with a virtio-blk device when there is a
 * disk, the others empty (DeviceID 0) as on QEMU. An access the bus does not claim is not a
 * device's (the caller decides what that is).
 */
import type { DmaMemory } from './dma.js';
import type { BlockStore } from './block-store.js';
import { VirtioMmio, MMIO_SIZE } from './virtio-mmio.js';
import { VirtioBlk } from './virtio-blk.js';

export const VIRTIO_MMIO_BASE = 0x1000_1000n;
export const VIRTIO_MMIO_SLOTS = 8;

export class MmioBus {
  readonly transports: VirtioMmio[];
  readonly blk: VirtioBlk | undefined;
  /** Register accesses served. */
  accesses = 0;

  constructor(mem: DmaMemory, disk?: BlockStore) {
    this.blk = disk ? new VirtioBlk(disk) : undefined;
    this.transports = Array.from({ length: VIRTIO_MMIO_SLOTS }, (_, i) => new VirtioMmio(i === 0 ? this.blk : undefined, mem));
  }

  /** The transport and offset of a physical address, or undefined. */
  private locate(pa: bigint): { t: VirtioMmio; off: number } | undefined {
    const rel = pa - VIRTIO_MMIO_BASE;
    if (rel < 0n || rel >= BigInt(VIRTIO_MMIO_SLOTS * MMIO_SIZE)) return undefined;
    return { t: this.transports[Number(rel / BigInt(MMIO_SIZE))], off: Number(rel % BigInt(MMIO_SIZE)) };
  }
  claims(pa: bigint): boolean { return this.locate(pa) !== undefined; }

  /** A load of `size` bytes; undefined when no device is there. */
  load(pa: bigint, size: number): bigint | undefined {
    const at = this.locate(pa);
    if (!at) return undefined;
    this.accesses++;
    return at.t.load(at.off, size);
  }
  /** A store; false when no device is there. */
  store(pa: bigint, size: number, value: bigint): boolean {
    const at = this.locate(pa);
    if (!at) return false;
    this.accesses++;
    at.t.store(at.off, size, value);
    return true;
  }
}
