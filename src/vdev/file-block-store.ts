/** A raw disk image file on the host as a BlockStore (Node only: the browser build uses memory). */
import { openSync, readSync, writeSync, fstatSync, fsyncSync, closeSync } from 'node:fs';
import { SECTOR, BlockStoreError, checkRange, type BlockStore } from './block-store.js';

/** A raw disk image file (its size rounded down to whole sectors). */
export class FileBlockStore implements BlockStore {
  private fd: number;
  readonly sectors: number;
  constructor(readonly path: string, readonly readonly = true) {
    this.fd = openSync(path, readonly ? 'r' : 'r+');
    this.sectors = Math.floor(fstatSync(this.fd).size / SECTOR);
  }
  read(sector: number, count: number): Uint8Array {
    checkRange(this, sector, count);
    const out = new Uint8Array(count * SECTOR);
    readSync(this.fd, out, 0, out.length, sector * SECTOR);
    return out;
  }
  write(sector: number, data: Uint8Array): void {
    if (this.readonly) throw new BlockStoreError('the disk is read-only');
    checkRange(this, sector, Math.ceil(data.length / SECTOR));
    writeSync(this.fd, data, 0, data.length, sector * SECTOR);
  }
  /** fsync: the writes are on the file's storage, for another host that opens it (a migration's destination). */
  flush(): void { if (!this.readonly) fsyncSync(this.fd); }
  close(): void { closeSync(this.fd); }
}

