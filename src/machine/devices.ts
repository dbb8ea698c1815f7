/**
 * The bare machine's devices beyond the core's own: QEMU virt's virtio-mmio transports (src/vdev),
 * served at MMIO exits. An access no device claims ends as the access fault it would have been
 * without MMIO exits, so a guest probing for a device that is not there sees what it sees on QEMU.
 */
import type { Machine } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { MmioBus } from '../vdev/bus.js';
import { MachineDma } from '../vdev/dma.js';
import type { BlockStore } from '../vdev/block-store.js';
import { memoryOperandVa } from '../vmm/decode.js';

/** The device bus of a bare machine (the transports, the first with a virtio-blk on `disk`), MMIO exits on. */
export function attachDevices(machine: Machine, disk?: BlockStore): MmioBus {
  machine.configure({ exitOnMmio: true });
  return new MmioBus(new MachineDma(machine), disk);
}

/** Completes an MMIO exit: a device's register access, or an access fault. */
export function serveMmio(machine: Machine, bus: MmioBus, exit: ExitRecord): void {
  const a = exit.mmio!;
  if (a.isStore ? bus.store(a.addr, a.size, a.value) : bus.claims(a.addr)) {
    machine.completeMmio(a.isStore ? 0n : bus.load(a.addr, a.size));
    return;
  }
  const bits = (exit.insn & 3) === 3 ? exit.insn : machine.expandCompressed(exit.insn);
  machine.faultMmio(memoryOperandVa(bits, (i) => machine.getReg(i)) ?? a.addr);
}
