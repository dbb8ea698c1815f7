/**
 * Booting a guest image on a new machine: parse (nothing is written until the whole file has
 * validated), copy the segments, point the hart at the entry, wire HTIF to the image's symbols.
 */
import { Machine, RAM_BASE, type MachineConfig } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../loader/index.js';

export interface BootOptions extends MachineConfig {
  /** Bytes of guest RAM (default 128 MiB). */
  ramBytes?: number;
}

/** Copies a parsed image into a machine's RAM and resets the hart to its entry point. */
export function loadImage(machine: Machine, image: LoadedImage): void {
  for (const seg of image.segments) {
    machine.writePhys(seg.paddr, seg.data);
    const rest = Number(seg.memsz) - seg.data.length;
    if (rest > 0) machine.zeroPhys(seg.paddr + BigInt(seg.data.length), rest);
  }
  machine.reset(image.entry);
  // As QEMU's reset vector does: a0 = hart id; no device tree is passed.
  machine.setReg(10, 0n);
  machine.setReg(11, 0n);
  machine.setHtif(image.symbols.get('tohost'), image.symbols.get('fromhost'));
}

/** Parses `bytes` (ELF or raw image) and boots it on a new machine. Throws LoadError on bad input. */
export async function boot(bytes: Uint8Array, options: BootOptions = {}): Promise<{ machine: Machine; image: LoadedImage }> {
  const ramBytes = options.ramBytes ?? 128 * 1024 * 1024;
  const image = parseImage(bytes, { base: RAM_BASE, size: BigInt(ramBytes) });
  const machine = await Machine.create({ ramBytes });
  machine.configure(options);
  loadImage(machine, image);
  return { machine, image };
}
