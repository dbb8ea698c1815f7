/** Guest images: ELF executables or raw binaries, validated whole before anything is loaded. */
import { isElf, parseElf, type LoadedImage, type RamRange } from './elf.js';
import { parseRaw } from './raw.js';

export * from './errors.js';
export * from './elf.js';
export * from './raw.js';

/**
 * Parses a guest image: an ELF executable when the bytes start with the ELF magic (so a damaged
 * ELF is refused, never run as raw bytes), otherwise a raw image at the start of RAM.
 * Throws a {@link LoadError} on bad input.
 */
export function parseImage(bytes: Uint8Array, ram: RamRange): LoadedImage {
  return isElf(bytes) ? parseElf(bytes, ram) : parseRaw(bytes, ram);
}
