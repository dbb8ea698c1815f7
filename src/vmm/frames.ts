/**
 * Host physical memory as the VMM manages it: a region at the start of RAM for the VMM's own
 * structures (G-stage tables, shadow page tables), and the rest handed out as frames to VMs. Every
 * frame has one owner; a VM's frames are not contiguous (they are dealt out interleaved), so
 * nothing in a VMM may assume guest-physical and host-physical order agree.
 */
import { RAM_BASE, type Machine } from '../../bindings/machine.js';

export const PAGE = 4096n;
const NO_OWNER = -1;

export class OutOfMemory extends Error {}

export class HostMemory {
  private readonly vmmFree: bigint[] = [];
  private vmmNext: bigint;
  private readonly vmmEnd: bigint;
  private readonly frameOwner: Int32Array;
  private readonly firstFrame: bigint;
  /** Frames not owned by any VM, in the order they are dealt out. */
  private readonly free: bigint[] = [];

  /** `vmmBytes` at the start of the machine's RAM are the VMM's; the rest are frames for VMs. */
  constructor(readonly machine: Machine, vmmBytes: number) {
    this.vmmNext = RAM_BASE;
    this.vmmEnd = RAM_BASE + BigInt(vmmBytes);
    this.firstFrame = this.vmmEnd;
    const frames = (machine.ramBytes - vmmBytes) / 4096;
    this.frameOwner = new Int32Array(frames).fill(NO_OWNER);
    // Deal frames from both ends of the pool alternately: consecutive allocations are far apart.
    for (let lo = 0, hi = frames - 1; lo <= hi; lo++, hi--) {
      this.free.push(this.frameAt(lo));
      if (hi !== lo) this.free.push(this.frameAt(hi));
    }
  }

  private frameAt(i: number): bigint { return this.firstFrame + BigInt(i) * PAGE; }
  private index(hpa: bigint): number { return Number((hpa - this.firstFrame) / PAGE); }

  /** A zeroed page for the VMM's own tables. */
  allocVmmPage(): bigint {
    const p = this.vmmFree.pop() ?? this.bump(PAGE);
    this.machine.zeroPhys(p, 4096);
    return p;
  }
  /** A zeroed, naturally aligned block of `bytes` (a G-stage root is 16 KiB, 16 KiB aligned). */
  allocVmmAligned(bytes: bigint): bigint {
    this.vmmNext = (this.vmmNext + bytes - 1n) & ~(bytes - 1n);
    const p = this.bump(bytes);
    this.machine.zeroPhys(p, Number(bytes));
    return p;
  }
  freeVmmPage(p: bigint): void { this.vmmFree.push(p); }
  private bump(bytes: bigint): bigint {
    if (this.vmmNext + bytes > this.vmmEnd) throw new OutOfMemory('the VMM region is full');
    const p = this.vmmNext;
    this.vmmNext += bytes;
    return p;
  }

  /** `count` zeroed frames for VM `owner`. */
  allocFrames(owner: number, count: number): bigint[] {
    if (count > this.free.length) throw new OutOfMemory(`${count} frames wanted, ${this.free.length} free`);
    const frames = this.free.splice(0, count);
    for (const f of frames) {
      this.frameOwner[this.index(f)] = owner;
      this.machine.zeroPhys(f, 4096);
    }
    return frames;
  }
  /** Returns a VM's frames to the pool. */
  releaseFrames(owner: number): void {
    for (let i = 0; i < this.frameOwner.length; i++) {
      if (this.frameOwner[i] === owner) { this.frameOwner[i] = NO_OWNER; this.free.push(this.frameAt(i)); }
    }
  }
  /** The VM owning the frame at host address hpa, or undefined. */
  ownerOf(hpa: bigint): number | undefined {
    if (hpa < this.firstFrame) return undefined;
    const o = this.frameOwner[this.index(hpa)];
    return o === NO_OWNER || o === undefined ? undefined : o;
  }
}
