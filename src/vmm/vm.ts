/**
 * A virtual machine: its guest-physical memory (a p2m over host frames it owns), its share of the
 * VMM's memory, the image booted in it, its virtual devices' state (console, timer), and the
 * counters a strategy keeps for it. Nothing here knows how the VM runs; the strategy does.
 */
import type { LoadedImage } from '../loader/index.js';
import { GuestMemoryError, P2m } from './p2m.js';
import { DEFAULT_VMM_PAGES, type HostMemory, type VmmPool } from './frames.js';
import { ConsoleLog, CONSOLE_KEEP } from './console.js';
import { MmioBus } from '../vdev/bus.js';
import { VmDma } from '../vdev/dma.js';

/** Guest-physical address of a VM's RAM. */
export const GUEST_RAM_BASE = 0x8000_0000n;
export const NO_TIMER = 0xffff_ffff_ffff_ffffn;

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
  /** Guest instructions translated by the VMM (binary translation). */
  translated = 0;
  /** TLB flushes the VMM made (shadow edits, recycled tags). */
  vmmFlushes = 0;
  /** World switches onto the hart. */
  switches = 0;
  /** Times the VMM dropped all of the VM's shadow tables to make room (its pool or tags ran out). */
  shadowReclaims = 0;
  exit(kind: string): void { this.exits.set(kind, (this.exits.get(kind) ?? 0) + 1); }
  get totalExits(): number { let n = 0; for (const v of this.exits.values()) n += v; return n; }
}

/** How a VM's run ended. */
/**
 * `not-present`: the guest, or the VMM on its behalf, needed a page that has not arrived (post-copy
 * migration); `pa` is the host page. Run the VM again once it is there: the guest instruction that
 * needed it runs again (and its exit is handled again).
 */
export type VmOutcome = { kind: 'halt'; code: number } | { kind: 'budget' } | { kind: 'crash'; why: string } | { kind: 'not-present'; pa: bigint };

export interface VmOptions {
  /** Pages of the VMM region reserved for this VM's tables (default 1024, 4 MiB). */
  vmmPages?: number;
  /** Bytes of console output the host keeps (default 1 MiB); older output is counted as dropped. */
  consoleKeep?: number;
  /** Receives every byte of console output as it is produced. */
  consoleSink?: (bytes: Uint8Array) => void;
}

/** A virtual machine: its memory, console, timer and counters (how it runs is its strategy's business). */
export class Vm {
  readonly p2m: P2m;
  /** The VM's share of the VMM region: every table the VMM builds for it comes from here. */
  readonly vmm: VmmPool;
  readonly stats = new VmStats();
  /** The guest's console output (the last `consoleKeep` bytes of it). */
  readonly consoleLog: ConsoleLog;
  /** The guest's timer deadline (SBI set_timer), all ones when none. */
  timerDeadline = NO_TIMER;
  /** Set when the guest shut down. */
  exitCode: number | undefined;
  /** The VM's emulated devices: QEMU virt's virtio-mmio transports (none with a device unless one is attached). */
  mmio: MmioBus;
  /** Set once the VM has halted or crashed: it never runs again. */
  ended: VmOutcome | undefined;
  private readonly releasers: (() => void)[] = [];
  private destroyed = false;

  /** A VM with `ramBytes` of guest-physical RAM at GUEST_RAM_BASE, backed by frames from `host`. */
  constructor(readonly id: number, readonly host: HostMemory, ramBytes: number, options: VmOptions = {}) {
    if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % 4096 !== 0) throw new RangeError(`VM RAM of ${ramBytes} bytes is not a positive number of pages`);
    this.vmm = host.reserveVmm(id, options.vmmPages ?? DEFAULT_VMM_PAGES);
    try {
      this.p2m = new P2m(host.machine, GUEST_RAM_BASE, host.allocFrames(id, ramBytes / 4096));
    } catch (e) {
      host.releaseVmm(id);
      throw e;
    }
    this.consoleLog = new ConsoleLog(options.consoleKeep ?? CONSOLE_KEEP, options.consoleSink);
    this.mmio = new MmioBus(new VmDma(this.p2m));
  }

  /** The console output kept, as text. */
  get console(): string { return this.consoleLog.text(); }

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

  /** Runs `release` when the VM is destroyed (a strategy giving back the tags it took for the VM). */
  onDestroy(release: () => void): void { this.releasers.push(release); }

  /** Gives everything back: the strategy's tags (their translations flushed), the VMM pool, the frames. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const r of this.releasers.splice(0).reverse()) r();
    this.host.releaseVmm(this.id);
    this.host.releaseFrames(this.id);
  }
}
