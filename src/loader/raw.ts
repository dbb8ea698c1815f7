/** Raw images: the bytes are copied to the start of RAM and run from there. */
import { LoadError, hex } from './errors.js';
import type { LoadedImage, RamRange } from './elf.js';

export function parseRaw(bytes: Uint8Array, ram: RamRange): LoadedImage {
  if (bytes.length === 0) throw new LoadError('empty-image', 'the image is empty');
  if (BigInt(bytes.length) > ram.size) {
    throw new LoadError('image-too-large', `the ${bytes.length}-byte image does not fit in ${hex(ram.size)} bytes of RAM`);
  }
  return { entry: ram.base, segments: [{ paddr: ram.base, data: bytes.slice(), memsz: BigInt(bytes.length) }], symbols: new Map(), format: 'raw' };
}
