/**
 * Host physical memory as the VMM manages it: a region at the start of RAM for the VMM's own
 * structures (G-stage tables, shadow page tables), and the rest handed out as frames to VMs. Every
 * frame has one owner; a VM's frames are not contiguous (they are dealt out interleaved), so
 * nothing in a VMM may assume guest-physical and host-physical order agree.
 *
 * The VMM region is accounted per VM: each VM reserves a pool of it when it is created, and every
 * page the VMM spends on that VM's behalf comes from its pool. A guest that makes the VMM build
 * ever more tables exhausts its own pool, never another VM's (admission control: a VM whose pool
 * does not fit is refused at creation, not starved later). The host's ASID and VMID allocators
 * live here too, one per host (see tags.ts).
 */
import { RAM_BASE, type Machine } from '../../bindings/machine.js';
import { OutOfMemory } from './errors.js';
import { TagAllocator } from './tags.js';

export { OutOfMemory };
export const PAGE = 4096n;
const NO_OWNER = -1;
/** VMM pages a VM reserves unless told otherwise (4 MiB: minios's busiest workload under shadow paging peaks well below). */
export const DEFAULT_VMM_PAGES = 1024;

/** A VM's pool is full: the VMM must reclaim some of that VM's structures, or stop the VM. */
export class VmmQuotaExceeded extends OutOfMemory {}

/** One VM's share of the VMM region: a contiguous extent with its own free list. */
export class VmmPool {
  private next: bigint;
  private readonly freePages: bigint[] = [];
  /** Pages handed out and not freed. */
  used = 0;
  /** The most pages held at once. */
  peak = 0;

  constructor(readonly machine: Machine, readonly owner: number, readonly base: bigint, readonly pages: number) {
    this.next = base;
  }
  get end(): bigint { return this.base + BigInt(this.pages) * PAGE; }
  /** Pages that can still be handed out. */
  get available(): number { return this.pages - this.used; }

  /** A zeroed page of this VM's VMM memory. */
  alloc(): bigint {
    const p = this.freePages.pop() ?? this.bump(PAGE, PAGE);
    this.take(1);
    this.machine.zeroPhys(p, 4096);
    return p;
  }
  /** A zeroed, naturally aligned block of `bytes` (a G-stage root is 16 KiB, 16 KiB aligned). */
  allocAligned(bytes: bigint): bigint {
    const p = this.bump(bytes, bytes);
    this.take(Number(bytes / PAGE));
    this.machine.zeroPhys(p, Number(bytes));
    return p;
  }
  free(p: bigint): void {
    if (p < this.base || p >= this.end || p % PAGE !== 0n) throw new Error(`page 0x${p.toString(16)} is not in VM ${this.owner}'s VMM pool`);
    this.freePages.push(p);
    this.used--;
  }

  private take(n: number): void {
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
  }
  private bump(bytes: bigint, align: bigint): bigint {
    const p = (this.next + align - 1n) & ~(align - 1n);
    if (p + bytes > this.end || this.used + Number(bytes / PAGE) > this.pages) {
      throw new VmmQuotaExceeded(`VM ${this.owner} has used all ${this.pages} pages of its VMM memory`);
    }
    this.next = p + bytes;
    return p;
  }
}

interface Extent { base: bigint; pages: number }

export class HostMemory {
  private readonly vmmEnd: bigint;
  /** Unreserved parts of the VMM region. */
  private readonly vmmFree: Extent[];
  private readonly pools = new Map<number, VmmPool>();
  private readonly frameOwner: Int32Array;
  private readonly firstFrame: bigint;
  /** Frames not owned by any VM, in the order they are dealt out. */
  private readonly free: bigint[] = [];
  /** Shadow page tables' ASIDs (16 bits, as the hart implements), one allocator for every VM on this host. */
  readonly asids = new TagAllocator('ASID', 0xffff);
  /** G-stage VMIDs (14 bits), one allocator for every VM on this host. */
  readonly vmids = new TagAllocator('VMID', 0x3fff);

  /** `vmmBytes` at the start of the machine's RAM are the VMM's; the rest are frames for VMs. */
  constructor(readonly machine: Machine, vmmBytes: number) {
    if (vmmBytes % 4096 !== 0 || vmmBytes < 0 || vmmBytes > machine.ramBytes) throw new RangeError(`VMM region of ${vmmBytes} bytes does not fit ${machine.ramBytes} bytes of RAM in whole pages`);
    this.vmmEnd = RAM_BASE + BigInt(vmmBytes);
    this.vmmFree = vmmBytes > 0 ? [{ base: RAM_BASE, pages: vmmBytes / 4096 }] : [];
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

  /** Reserves `pages` of the VMM region for VM `owner` (first fit); refused when they do not fit. */
  reserveVmm(owner: number, pages: number): VmmPool {
    if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`a VMM pool of ${pages} pages`);
    if (this.pools.has(owner)) throw new Error(`VM ${owner} already has a VMM pool`);
    const i = this.vmmFree.findIndex((e) => e.pages >= pages);
    if (i < 0) throw new OutOfMemory(`the VMM region has no ${pages} free pages for VM ${owner} (${this.vmmPagesFree} free)`);
    const e = this.vmmFree[i];
    const pool = new VmmPool(this.machine, owner, e.base, pages);
    e.base += BigInt(pages) * PAGE;
    e.pages -= pages;
    if (e.pages === 0) this.vmmFree.splice(i, 1);
    this.pools.set(owner, pool);
    return pool;
  }
  /** Returns a VM's VMM pool to the region (its pages are zeroed when handed out again). */
  releaseVmm(owner: number): void {
    const pool = this.pools.get(owner);
    if (!pool) return;
    this.pools.delete(owner);
    this.vmmFree.push({ base: pool.base, pages: pool.pages });
    this.vmmFree.sort((a, b) => (a.base < b.base ? -1 : 1));
    for (let i = 0; i + 1 < this.vmmFree.length;) { // merge neighbours
      const a = this.vmmFree[i], b = this.vmmFree[i + 1];
      if (a.base + BigInt(a.pages) * PAGE === b.base) { a.pages += b.pages; this.vmmFree.splice(i + 1, 1); } else i++;
    }
  }
  /** VMM pages not reserved by any VM. */
  get vmmPagesFree(): number { return this.vmmFree.reduce((n, e) => n + e.pages, 0); }

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
  /** The first host address past the VMM region (where VM frames start). */
  get framesBase(): bigint { return this.firstFrame; }
}
