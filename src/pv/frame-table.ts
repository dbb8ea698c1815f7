/**
 * The frame table: Xen's `struct page_info` for every machine frame of the host. Each frame has an
 * owner (the VM HostMemory dealt it to), a general reference count (every mapping or use by a page
 * table), and a type with its own count: a frame is used as a page table of one level, or mapped
 * writable, or neither, never two at once, and changes type only when its type count is 0. A
 * page-table type is "validated": every entry of the table holds the references it needs, so a
 * table in use can never map a frame its domain does not own, nor a page table writable.
 *
 * The tables' entries are checked by `PageTableRules` (page-tables.ts); this file keeps the counts.
 */
import { RAM_BASE, type Machine } from '../../bindings/machine.js';
import type { HostMemory } from '../vmm/frames.js';
import { err } from './abi.js';

/** Frame types (Xen's PGT_*): L1 is the leaf level of Sv39, L3 the root. */
export const enum PageType { None = 0, Writable = 1, L1 = 2, L2 = 3, L3 = 4 }
export const PAGE_TYPE_NAMES = ['none', 'writable', 'L1', 'L2', 'L3'];
export const isTableType = (t: PageType): boolean => t >= PageType.L1;

/** What validating and releasing a page table of a given type does to the entries' references. */
export interface TableTyping {
  /** Takes the references every present entry needs; undoes what it took on failure. 0 or -errno. */
  validate(mfn: bigint, type: PageType): number;
  /** Drops the references of every present entry (the table's type count reached 0). */
  release(mfn: bigint, type: PageType): void;
}

const MAX_COUNT = 0x7fff_ffff;

export class FrameTable {
  private readonly firstMfn: bigint;
  readonly frames: number;
  private readonly count: Int32Array;
  private readonly typeCount: Int32Array;
  private readonly type: Uint8Array;
  private readonly validated: Uint8Array;
  private readonly pinned: Uint8Array;
  /** Flush clock value when the frame last lost its last type reference (Xen's tlbflush_timestamp). */
  private readonly stamp: Float64Array;
  /** Incremented by every full TLB flush: a frame stamped at the current value may still be in the TLB. */
  private flushClock = 1;
  typing!: TableTyping;

  constructor(private readonly machine: Machine, private readonly host: HostMemory) {
    this.firstMfn = RAM_BASE >> 12n;
    this.frames = machine.ramBytes / 4096;
    this.count = new Int32Array(this.frames);
    this.typeCount = new Int32Array(this.frames);
    this.type = new Uint8Array(this.frames);
    this.validated = new Uint8Array(this.frames);
    this.pinned = new Uint8Array(this.frames);
    this.stamp = new Float64Array(this.frames);
  }

  /** Index of a RAM frame, or -1 when the frame is not RAM (MMIO, or nothing). */
  index(mfn: bigint): number {
    const i = mfn - this.firstMfn;
    return i >= 0n && i < BigInt(this.frames) ? Number(i) : -1;
  }
  isRam(mfn: bigint): boolean { return this.index(mfn) >= 0; }
  /** The domain owning a RAM frame; undefined for the VMM's own frames and free frames. */
  owner(mfn: bigint): number | undefined { return this.isRam(mfn) ? this.host.ownerOf(mfn << 12n) : undefined; }

  typeOf(mfn: bigint): PageType { return this.type[this.index(mfn)] as PageType; }
  typeCountOf(mfn: bigint): number { return this.typeCount[this.index(mfn)]; }
  countOf(mfn: bigint): number { return this.count[this.index(mfn)]; }
  isPinned(mfn: bigint): boolean { return this.pinned[this.index(mfn)] !== 0; }
  /** A page table whose type is in use (and so validated). */
  isLiveTable(mfn: bigint): boolean {
    const i = this.index(mfn);
    return i >= 0 && isTableType(this.type[i]) && this.typeCount[i] > 0;
  }

  /** get_page: a general reference, for a frame `dom` owns. 0 or -EINVAL. */
  getPage(mfn: bigint, dom: number): number {
    const i = this.index(mfn);
    if (i < 0 || this.host.ownerOf(mfn << 12n) !== dom || this.count[i] >= MAX_COUNT) return err('EINVAL');
    this.count[i]++;
    return 0;
  }
  putPage(mfn: bigint): void {
    const i = this.index(mfn);
    if (this.count[i] <= 0) throw new Error(`frame table: put_page of mfn 0x${mfn.toString(16)} with no references`);
    this.count[i]--;
  }

  /**
   * get_page_type: a reference of `type`. With the type count at 0 the frame may change type (a
   * page table is validated first, flushing the TLB if the frame may still be cached under its old
   * use); otherwise the type must match. 0 or -errno (-EINVAL on a type conflict).
   */
  getPageType(mfn: bigint, type: PageType): number {
    const i = this.index(mfn);
    if (this.typeCount[i] > 0) {
      if (this.type[i] !== type) return err('EINVAL');
      if (this.typeCount[i] >= MAX_COUNT) return err('EINVAL');
      this.typeCount[i]++;
      return 0;
    }
    if (this.type[i] !== type) {
      if (this.stamp[i] >= this.flushClock) this.flushTlb();
      this.type[i] = type;
      this.validated[i] = 0;
    }
    // The count is taken before validating, so a table reaching itself meets a type in use.
    this.typeCount[i] = 1;
    if (isTableType(type) && !this.validated[i]) {
      const rc = this.typing.validate(mfn, type);
      if (rc !== 0) {
        this.typeCount[i] = 0;
        return rc;
      }
      this.validated[i] = 1;
    }
    return 0;
  }

  /** put_page_type: when the last reference of a page-table type goes, its entries' references go too. */
  putPageType(mfn: bigint): void {
    const i = this.index(mfn);
    if (this.typeCount[i] <= 0) throw new Error(`frame table: put_page_type of mfn 0x${mfn.toString(16)} with no type references`);
    if (--this.typeCount[i] > 0) return;
    this.stamp[i] = this.flushClock;
    if (isTableType(this.type[i]) && this.validated[i]) {
      this.validated[i] = 0;
      this.typing.release(mfn, this.type[i] as PageType);
    }
  }

  getPageAndType(mfn: bigint, dom: number, type: PageType): number {
    const rc = this.getPage(mfn, dom);
    if (rc !== 0) return rc;
    const t = this.getPageType(mfn, type);
    if (t !== 0) this.putPage(mfn);
    return t;
  }
  putPageAndType(mfn: bigint): void { this.putPageType(mfn); this.putPage(mfn); }

  /** MMUEXT_PIN_*: a type reference that stays until unpinned. 0 or -EINVAL. */
  pin(mfn: bigint, dom: number, type: PageType): number {
    const i = this.index(mfn);
    if (i < 0 || this.host.ownerOf(mfn << 12n) !== dom || this.pinned[i]) return err('EINVAL');
    const rc = this.getPageAndType(mfn, dom, type);
    if (rc === 0) this.pinned[i] = 1;
    return rc;
  }
  unpin(mfn: bigint, dom: number): number {
    const i = this.index(mfn);
    if (i < 0 || this.host.ownerOf(mfn << 12n) !== dom || !this.pinned[i]) return err('EINVAL');
    this.pinned[i] = 0;
    this.putPageAndType(mfn);
    return 0;
  }

  /** A full flush of the hart's TLB and walk caches; every frame stamped before it is safe to retype. */
  flushTlb(): void {
    this.machine.flushTlb();
    this.flushClock++;
  }

  /** The frames of `dom` pinned (MMUEXT_PIN_*), with their types: what a migration carries of the frame table. */
  pinnedOf(dom: number): [bigint, PageType][] {
    const out: [bigint, PageType][] = [];
    for (let i = 0; i < this.frames; i++) {
      const mfn = this.firstMfn + BigInt(i);
      if (this.pinned[i] && this.host.ownerOf(mfn << 12n) === dom) out.push([mfn, this.type[i] as PageType]);
    }
    return out;
  }

  /** Drops every count of `dom`'s frames (the domain is destroyed: its frames go back to the pool clean). */
  forgetDomain(dom: number): void {
    for (let i = 0; i < this.frames; i++) {
      if (this.host.ownerOf((this.firstMfn + BigInt(i)) << 12n) !== dom) continue;
      this.count[i] = this.typeCount[i] = this.type[i] = this.validated[i] = this.pinned[i] = 0;
    }
    this.flushTlb();
  }
}
