/**
 * Adaptive binary translation: each guest store site counts the page-table-write traps it takes;
 * after `adaptAfter` of them its unit is retranslated with the store as a callout that performs
 * the shadow update directly, without the fault. A callout is paid on every execution, a trap only
 * on a page-table write, so the callout must keep hitting page tables to pay off: after each
 * `window` callouts, a site of which fewer than `minPageTableShare` hit a page table goes back to
 * direct execution (a memset that zeroes a former page-table page, or a free list written into
 * freed pages, write ordinary memory far more often). Such a site is a bulk writer: when it traps
 * on a page table again, the page is being reused as data, and the VMM stops write-protecting it
 * at once instead of after a flood of emulated writes. The thresholds can be overridden
 * (BtOptions).
 */
export interface AdaptiveOptions {
  /** Page-table-write traps at one store site before it becomes a callout (default 8). */
  adaptAfter?: number;
  /** Callouts of a site between two checks of whether it pays off (default 64). */
  window?: number;
  /** Share of a window's callouts that must hit a page table for the site to stay a callout (default 0.5). */
  minPageTableShare?: number;
}

export const DEFAULT_ADAPTIVE: Required<AdaptiveOptions> = { adaptAfter: 8, window: 64, minPageTableShare: 0.5 };

interface Window { calls: number; pageTables: number }

export class AdaptiveSites {
  private readonly traps = new Map<bigint, number>();
  /** Sites translated as callouts, with their current window. */
  private readonly callouts = new Map<bigint, Window>();
  /** Sites that went back to direct execution: they mostly write ordinary memory. */
  private readonly bulk = new Set<bigint>();
  readonly options: Required<AdaptiveOptions>;

  constructor(o: AdaptiveOptions = {}) {
    this.options = { ...DEFAULT_ADAPTIVE, ...o };
    const { adaptAfter, window, minPageTableShare } = this.options;
    for (const [k, v] of Object.entries({ adaptAfter, window })) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`adaptive ${k} must be a positive integer, not ${v}`);
    }
    if (!(minPageTableShare >= 0 && minPageTableShare <= 1)) throw new RangeError(`adaptive minPageTableShare must be between 0 and 1, not ${minPageTableShare}`);
  }

  /** How the store at guest pc is translated. */
  policy = (guestPc: bigint): 'ident' | 'pt-store' => (this.callouts.has(guestPc) ? 'pt-store' : 'ident');

  /**
   * A page-table-write trap at a store site: 'callout' when the site is now to be one (retranslate
   * its unit), 'untrace' when it is a bulk writer (stop protecting the page), else 'trap'.
   */
  trapped(guestPc: bigint): 'trap' | 'callout' | 'untrace' {
    if (this.bulk.has(guestPc)) return 'untrace';
    const n = (this.traps.get(guestPc) ?? 0) + 1;
    this.traps.set(guestPc, n);
    if (n < this.options.adaptAfter || this.callouts.has(guestPc)) return 'trap';
    this.callouts.set(guestPc, { calls: 0, pageTables: 0 });
    return 'callout';
  }

  /** A callout site's store hit a page table (true) or ordinary memory; true when it goes back to direct execution. */
  stored(guestPc: bigint, pageTable: boolean): boolean {
    const w = this.callouts.get(guestPc);
    if (!w) return false;
    w.calls++;
    if (pageTable) w.pageTables++;
    if (w.calls < this.options.window) return false;
    const pays = w.pageTables >= this.options.minPageTableShare * w.calls;
    w.calls = w.pageTables = 0;
    if (pays) return false;
    this.callouts.delete(guestPc);
    this.bulk.add(guestPc);
    return true;
  }
}
