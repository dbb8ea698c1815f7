/**
 * Where a virtual disk's sectors live: memory, or a disk image file on the host
 * (file-block-store.ts, Node only). Sectors are 512 bytes; reads past the end
 * are refused by the devices before they get here.
 */
export const SECTOR = 512;

export interface BlockStore {
  /** Size in sectors. */
  readonly sectors: number;
  readonly readonly: boolean;
  read(sector: number, count: number): Uint8Array;
  write(sector: number, data: Uint8Array): void;
  /** Makes every write so far durable where other hosts see it (a shared disk before a migration's switch-over). Optional. */
  flush?(): void;
}

export class BlockStoreError extends Error {}

export function checkRange(store: BlockStore, sector: number, count: number): void {
  if (!Number.isSafeInteger(sector) || !Number.isSafeInteger(count) || sector < 0 || count < 0 || sector + count > store.sectors) {
    throw new BlockStoreError(`sectors [${sector}, +${count}) outside a disk of ${store.sectors}`);
  }
}

/** A disk in memory. */
export class MemoryBlockStore implements BlockStore {
  readonly sectors: number;
  constructor(readonly bytes: Uint8Array, readonly readonly = false) { this.sectors = Math.floor(bytes.length / SECTOR); }
  read(sector: number, count: number): Uint8Array {
    checkRange(this, sector, count);
    return this.bytes.slice(sector * SECTOR, (sector + count) * SECTOR);
  }
  write(sector: number, data: Uint8Array): void {
    if (this.readonly) throw new BlockStoreError('the disk is read-only');
    checkRange(this, sector, Math.ceil(data.length / SECTOR));
    this.bytes.set(data, sector * SECTOR);
  }
}

/** The deterministic test pattern vmlab's io workload reads: a xorshift32 stream from a seed, 4 bytes at a time. */
export function patternDisk(bytes: number, seed = 0x12345678): Uint8Array {
  const out = new Uint8Array(bytes);
  const v = new DataView(out.buffer);
  let x = seed >>> 0;
  for (let i = 0; i + 4 <= bytes; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    v.setUint32(i, x, true);
  }
  return out;
}
