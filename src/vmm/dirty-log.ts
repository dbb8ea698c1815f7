/**
 * Dirty logging of one VM's guest pages: the core logs host pages (a bit per page of the machine's
 * RAM, `Machine.readAndClearDirty`); this maps them onto the VM's guest pages through its p2m, or
 * one to one for a bare machine. Several VMs logged on one host share the machine's bitmap: every
 * collection takes the machine's bits once and hands each host page's bit to the VM that has that
 * frame, so one VM's read-and-clear never loses another's bits. Writes to the VMM's own frames
 * (shadow and G-stage tables) belong to no VM and are dropped.
 */
import { RAM_BASE, type Machine } from '../../bindings/machine.js';
import type { P2m } from './p2m.js';

/** A bit per guest page: bit i (word i >> 5, bit i & 31) is guest page i. */
export type PageBitmap = Uint32Array;

export const newBitmap = (pages: number): PageBitmap => new Uint32Array(Math.ceil(pages / 32));
export const testBit = (b: PageBitmap, i: number): boolean => ((b[i >>> 5] >>> (i & 31)) & 1) !== 0;
export const setBit = (b: PageBitmap, i: number): void => { b[i >>> 5] |= 1 << (i & 31); };
/** Number of bits set. */
export function countBits(b: PageBitmap): number {
  let n = 0;
  for (let w of b) { while (w !== 0) { w &= w - 1; n++; } }
  return n;
}

const hosts = new WeakMap<Machine, Set<GuestDirtyLog>>();

export class GuestDirtyLog {
  /** Host page index (from RAM_BASE) of each guest page. */
  private readonly hostPage: Int32Array;
  private pending: PageBitmap;
  private on = false;

  private constructor(private readonly machine: Machine, hostPages: Int32Array) {
    this.hostPage = hostPages;
    this.pending = newBitmap(hostPages.length);
  }

  /** A VM's log: its guest pages are the frames of its p2m. */
  static forVm(machine: Machine, p2m: P2m): GuestDirtyLog {
    return new GuestDirtyLog(machine, Int32Array.from(p2m.frames, (f) => Number((f - RAM_BASE) / 4096n)));
  }
  /** A bare machine's log: its guest pages are the machine's pages. */
  static forMachine(machine: Machine): GuestDirtyLog {
    return new GuestDirtyLog(machine, Int32Array.from({ length: machine.ramBytes / 4096 }, (_, i) => i));
  }

  get pages(): number { return this.hostPage.length; }
  get logging(): boolean { return this.on; }

  /** Starts logging this VM: every page counts as clean from now on. */
  start(): void {
    if (this.on) return;
    const logs = logsOf(this.machine);
    if (logs.size === 0) this.machine.dirtyLogging = true;
    else collect(this.machine); // the others keep what was logged for them so far
    logs.add(this);
    this.on = true;
    this.pending.fill(0);
  }

  /** Stops logging this VM (the machine stops when no VM is logged); bits not yet read are dropped. */
  stop(): void {
    if (!this.on) return;
    const logs = logsOf(this.machine);
    collect(this.machine);
    logs.delete(this);
    this.on = false;
    if (logs.size === 0) this.machine.dirtyLogging = false;
  }

  /** The guest pages written since the last call (or since `start`), and clears them. */
  readAndClear(): PageBitmap {
    if (!this.on) return newBitmap(this.pages);
    collect(this.machine);
    const out = this.pending;
    this.pending = newBitmap(this.pages);
    return out;
  }

  /** Moves the host bits onto this VM's pending guest bits. */
  take(hostBits: Uint32Array): void {
    const hp = this.hostPage, pending = this.pending;
    for (let g = 0; g < hp.length; g++) {
      const h = hp[g];
      if ((hostBits[h >>> 5] >>> (h & 31)) & 1) pending[g >>> 5] |= 1 << (g & 31);
    }
  }
}

function logsOf(m: Machine): Set<GuestDirtyLog> {
  let s = hosts.get(m);
  if (!s) hosts.set(m, (s = new Set()));
  return s;
}

/** Takes the machine's dirty bits once and gives each logged VM its own. */
function collect(m: Machine): void {
  const bits = m.readAndClearDirty();
  for (const log of logsOf(m)) log.take(bits);
}
