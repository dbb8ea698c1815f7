/** Guest images: ELF executables or raw binaries, validated whole before anything is loaded. */
import { isElf, parseElf, type LoadedImage, type RamRange } from './elf.js';
import { parseRaw } from './raw.js';

export * from './errors.js';
export * from './elf.js';
export * from './raw.js';

/** An ELF file when it has the ELF magic, otherwise a raw image at the start of RAM. */
export function parseImage(bytes: Uint8Array, ram: RamRange): LoadedImage {
  return isElf(bytes) ? parseElf(bytes, ram) : parseRaw(bytes, ram);
}
