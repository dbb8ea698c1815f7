/** Raw images: the bytes are copied to the start of RAM and run from there. */
import { LoadError, hex } from './errors.js';
import type { LoadedImage, RamRange } from './elf.js';

/**
 * A raw binary as one segment at `ram.base` (a copy of `bytes`), entered at `ram.base`, with no
 * symbols. Throws a {@link LoadError}: `empty-image` for no bytes, `image-too-large` when the
 * bytes do not fit in RAM.
 */
export function parseRaw(bytes: Uint8Array, ram: RamRange): LoadedImage {
  if (bytes.length === 0) throw new LoadError('empty-image', 'the image is empty (0 bytes)');
  if (BigInt(bytes.length) > ram.size) {
    throw new LoadError('image-too-large', `the ${hex(bytes.length)}-byte image does not fit in the ${hex(ram.size)} bytes of RAM at ${hex(ram.base)}`);
  }
  return { entry: ram.base, segments: [{ paddr: ram.base, data: bytes.slice(), memsz: BigInt(bytes.length) }], symbols: new Map(), format: 'raw' };
}
