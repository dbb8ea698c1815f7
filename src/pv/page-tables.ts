/**
 * Direct paging with validation, as Xen does it for PV guests: the guest's own Sv39 tables are the
 * ones the hart walks, so every entry of a table in use must be safe. The rules per level (Xen's
 * get_page_from_l1e/l2e/l3e, adapted to Sv39):
 * - L1 (leaf level): a present entry is a leaf (R or X; W needs R); its frame is RAM (else
 *   -EPERM: MMIO) owned by the table's domain (else -EBUSY, Xen's "could not pin"); a writable
 *   leaf takes a writable type reference, which a page table can never have (-EBUSY).
 * - L2 and L3: a present entry points to a table of the level below (A, D, U clear; a leaf here
 *   would be a superpage, which this hypervisor does not offer: -EINVAL), owned by the domain
 *   (-EINVAL), which takes that table type (-EINVAL on a type conflict: a frame mapped writable,
 *   a table of another level, a table reaching itself).
 * - Bits 54..63 (Svpbmt, Svnapot, reserved) must be clear at every level (-EINVAL).
 */
import type { Machine } from '../../bindings/machine.js';
import { FrameTable, PageType, type TableTyping } from './frame-table.js';
import { err, PTE, PTE_RESERVED, PTE_PPN_SHIFT } from './abi.js';

const ENTRIES = 512;
const LEAF_BITS = PTE.R | PTE.W | PTE.X;
const PPN_MASK = (1n << 44n) - 1n;

export const pteMfn = (pte: bigint): bigint => (pte >> PTE_PPN_SHIFT) & PPN_MASK;
const present = (pte: bigint): boolean => (pte & PTE.V) !== 0n;
const writableLeaf = (pte: bigint): boolean => (pte & (PTE.V | PTE.W)) === (PTE.V | PTE.W);
/** The type a frame named by an entry of a table of `type` takes. */
const childType = (type: PageType): PageType => (type === PageType.L1 ? PageType.Writable : type - 1);

export class PageTableRules implements TableTyping {
  /** PTEs validated and written (the hypervisor's page-table work, priced by the cost model). */
  validatedPtes = 0;

  constructor(private readonly machine: Machine, private readonly frames: FrameTable) {
    frames.typing = this;
  }

  /** The references entry `pte` of a table of `type` (owned by `dom`) needs. 0 or -errno. */
  getEntryRefs(pte: bigint, type: PageType, dom: number): number {
    if (!present(pte)) return 0;
    if ((pte & PTE_RESERVED) !== 0n) return err('EINVAL');
    const mfn = pteMfn(pte);
    if (type === PageType.L1) {
      if ((pte & (PTE.R | PTE.X)) === 0n || (pte & (PTE.R | PTE.W)) === PTE.W) return err('EINVAL');
      if (!this.frames.isRam(mfn)) return err('EPERM');
      if (this.frames.getPage(mfn, dom) !== 0) return err('EBUSY');
      if (writableLeaf(pte) && this.frames.getPageType(mfn, PageType.Writable) !== 0) {
        this.frames.putPage(mfn);
        return err('EBUSY');
      }
      return 0;
    }
    if ((pte & (LEAF_BITS | PTE.A | PTE.D | PTE.U)) !== 0n) return err('EINVAL');
    if (!this.frames.isRam(mfn)) return err('EINVAL');
    return this.frames.getPageAndType(mfn, dom, childType(type));
  }

  /** Drops what getEntryRefs took. */
  putEntryRefs(pte: bigint, type: PageType): void {
    if (!present(pte)) return;
    const mfn = pteMfn(pte);
    if (type === PageType.L1) {
      if (writableLeaf(pte)) this.frames.putPageType(mfn);
      this.frames.putPage(mfn);
    } else this.frames.putPageAndType(mfn);
  }

  validate(mfn: bigint, type: PageType): number {
    const dom = this.frames.owner(mfn)!;
    const entries = this.readTable(mfn);
    for (let i = 0; i < ENTRIES; i++) {
      if ((entries[2 * i] & 1) === 0) continue; // not present: nothing to check
      const rc = this.getEntryRefs(this.entry(entries, i), type, dom);
      if (rc !== 0) {
        for (let j = 0; j < i; j++) this.putEntryRefs(this.entry(entries, j), type);
        return rc;
      }
    }
    return 0;
  }

  release(mfn: bigint, type: PageType): void {
    const entries = this.readTable(mfn);
    for (let i = 0; i < ENTRIES; i++) if ((entries[2 * i] & 1) !== 0) this.putEntryRefs(this.entry(entries, i), type);
  }

  /**
   * mod_l*_entry: replaces entry `index` of the live table `tableMfn` (of `type`, owned by `dom`)
   * with `value`: the new entry's references first, then the write, then the old entry's
   * references go. On failure nothing changes. 0 or -errno.
   */
  modEntry(tableMfn: bigint, index: number, type: PageType, dom: number, value: bigint, preserveAd: boolean): number {
    const addr = (tableMfn << 12n) + BigInt(index * 8);
    const old = this.machine.read64(addr);
    if (preserveAd) value = (value & ~(PTE.A | PTE.D)) | (old & (PTE.A | PTE.D));
    const rc = this.getEntryRefs(value, type, dom);
    if (rc !== 0) return rc;
    this.machine.write64(addr, value);
    this.putEntryRefs(old, type);
    this.validatedPtes++;
    return 0;
  }

  private readTable(mfn: bigint): Uint32Array {
    return new Uint32Array(this.machine.readPhys(mfn << 12n, 4096).buffer);
  }
  private entry(words: Uint32Array, i: number): bigint { return (BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]); }
}
