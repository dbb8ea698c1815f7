/**
 * A virtual machine: its guest-physical memory (a p2m over host frames it owns), the image booted
 * in it, its virtual devices' state (console, timer), and the counters a strategy keeps for it.
 * Nothing here knows how the VM runs; the strategy does.
 */
import type { LoadedImage } from '../loader/index.js';
import { GuestMemoryError, P2m } from './p2m.js';
import type { HostMemory } from './frames.js';
import { MmioBus } from '../vdev/bus.js';
import { VmDma } from '../vdev/dma.js';

export const GUEST_RAM_BASE = 0x8000_0000n;

/** Counters of one VM's run under a strategy: exits by kind and the work they caused. */
export class VmStats {
  readonly exits = new Map<string, number>();
  /** Guest page-table writes trapped and emulated (shadow paging). */
  ptWrites = 0;
  /** Shadow PTEs written or dropped by the VMM (its page-table work). */
  shadowUpdates = 0;
  /** Guest PTEs the VMM's software walker read. */
  guestWalkRefs = 0;
  /** Guest page-table entries the PV hypervisor validated and wrote for mmu_update (its page-table work). */
  validatedPtes = 0;
  /** Faults the VMM handled without the guest seeing them (shadow fills). */
  hiddenFaults = 0;
  /** Traps reflected into the guest kernel (syscalls, its own page faults, interrupts). */
  reflected = 0;
  /** Guest instructions emulated by the VMM. */
  emulated = 0;
  /** TLB flushes the VMM made (world switches, shadow edits). */
  vmmFlushes = 0;
  exit(kind: string): void { this.exits.set(kind, (this.exits.get(kind) ?? 0) + 1); }
  get totalExits(): number { let n = 0; for (const v of this.exits.values()) n += v; return n; }
}

export class Vm {
  readonly p2m: P2m;
  readonly stats = new VmStats();
  /** Console output of the guest. */
  console = '';
  /** The guest's timer deadline (SBI set_timer), all ones when none. */
  timerDeadline = 0xffff_ffff_ffff_ffffn;
  /** Set when the guest shut down. */
  exitCode: number | undefined;
  /** The VM's emulated devices: QEMU virt's virtio-mmio transports (none with a device unless one is attached). */
  mmio: MmioBus;

  /** A VM with `ramBytes` of guest-physical RAM at GUEST_RAM_BASE, backed by frames from `host`. */
  constructor(readonly id: number, readonly host: HostMemory, ramBytes: number) {
    const frames = host.allocFrames(id, Math.ceil(ramBytes / 4096));
    this.p2m = new P2m(host.machine, GUEST_RAM_BASE, frames);
    this.mmio = new MmioBus(new VmDma(this.p2m));
  }

  /** Copies an image's segments into guest-physical memory (all of them checked first). */
  load(image: LoadedImage): void {
    for (const seg of image.segments) {
      if (this.p2m.hpa(seg.paddr) === undefined || this.p2m.hpa(seg.paddr + seg.memsz - 1n) === undefined) {
        throw new GuestMemoryError(`segment at 0x${seg.paddr.toString(16)} does not fit the VM's RAM`);
      }
    }
    for (const seg of image.segments) {
      this.p2m.write(seg.paddr, seg.data);
      const rest = Number(seg.memsz) - seg.data.length;
      if (rest > 0) this.p2m.write(seg.paddr + BigInt(seg.data.length), new Uint8Array(rest));
    }
  }

  /** Frees the VM's frames. */
  destroy(): void { this.host.releaseFrames(this.id); }
}
