/** `--disk FILE`: a raw disk image opened read-only for a block device, or the reason it cannot be. */
import { FileBlockStore } from '../vdev/file-block-store.js';

export function openDisk(path: string): FileBlockStore | Error {
  try {
    const d = new FileBlockStore(path, true);
    return d.sectors > 0 ? d : new Error(`disk image ${path} is smaller than one 512-byte sector`);
  } catch (e) {
    return new Error(`cannot open disk image ${path}: ${(e as Error).message}`);
  }
}
