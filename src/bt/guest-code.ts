/**
 * Reading the guest kernel's code to translate it: through the guest's own page table (a fetch as
 * the guest kernel, with its permission checks), from its frames through the p2m. It remembers
 * which guest-virtual page was read through which mapping, so that a unit can be dropped when
 * that mapping changes (checked where the spec makes a changed mapping visible: satp writes for
 * non-global pages, SFENCE.VMA) and when the code itself is written (the pages are write-watched).
 */
import type { P2m } from '../vmm/p2m.js';
import type { VmStats } from '../vmm/vm.js';
import { walkGuest, FETCH, type GuestContext } from '../vmm/guest-walk.js';
import type { FetchHalf } from './translator.js';

const G = 0x20n;
const pageOf = (a: bigint) => a & ~0xfffn;

export interface CodeMapping { gpaPage: bigint; global: boolean }

export class GuestCode {
  /** Guest-virtual code page -> the mapping it was translated through. */
  readonly mappings = new Map<bigint, CodeMapping>();
  constructor(private readonly p2m: P2m, private readonly stats: VmStats) {}

  /**
   * A fetch function for one translation under `ctx`; the guest-physical and guest-virtual pages
   * it read are collected in `pages` and `vaPages`.
   */
  fetcher(ctx: GuestContext, pages: Set<bigint>, vaPages: Set<bigint>): FetchHalf {
    const seen = new Map<bigint, bigint>();
    return (va) => {
      const vpage = pageOf(va);
      let gpage = seen.get(vpage);
      if (gpage === undefined) {
        const w = this.walk(ctx, va);
        if (!w.ok) return { cause: w.cause, tval: va };
        gpage = pageOf(w.gpa);
        if (this.p2m.hpa(gpage) === undefined) return { cause: 1, tval: va }; // outside the VM's RAM
        seen.set(vpage, gpage);
        this.mappings.set(vpage, { gpaPage: gpage, global: (w.pte & G) !== 0n });
        pages.add(gpage);
        vaPages.add(vpage);
      }
      const b = this.p2m.read(gpage + (va & 0xfffn), 2);
      return b[0] | (b[1] << 8);
    };
  }

  /**
   * Guest-virtual code pages whose mapping under `ctx` is no longer the one they were translated
   * through; `all` includes global ones (a fence of everything), else only non-global ones (a
   * new address space, or a fence of one ASID). Only `va` when given (a fence of one address).
   */
  stale(ctx: GuestContext, all: boolean, va?: bigint): bigint[] {
    const out: bigint[] = [];
    for (const [vpage, m] of this.mappings) {
      if ((m.global && !all) || (va !== undefined && pageOf(va) !== vpage)) continue;
      const w = this.walk(ctx, vpage);
      if (!w.ok || pageOf(w.gpa) !== m.gpaPage) { out.push(vpage); this.mappings.delete(vpage); }
      else m.global = (w.pte & G) !== 0n;
    }
    return out;
  }

  private walk(ctx: GuestContext, va: bigint) {
    const refs = { n: 0 };
    const w = walkGuest(this.p2m, ctx, va, FETCH, refs);
    this.stats.guestWalkRefs += refs.n;
    return w;
  }
}
