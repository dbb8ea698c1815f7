/**
 * The translation cache: VMM-owned host frames mapped, executable only, at TC_BASE in every
 * kernel shadow of one VM, filled by a bump allocator with translation units. It finds a guest
 * pc's unit, maps a translated pc back to the guest pc it stands for (for traps), chains exits to
 * units, unchains them when a unit is invalidated, and starts over (flush) when it is full.
 */
import type { Machine } from '../../bindings/machine.js';
import { OutOfMemory, type VmmPool } from '../vmm/frames.js';
import { ECALL, jal, retarget } from './encode.js';
import { TC_BASE, TC_BYTES, TC_FIRST_SLOT, TC_PAGES, VCPU_SLOT, IJC_FIRST_SLOT, IJC_PAGES } from './layout.js';
import { IndirectJumpCache } from './ijc.js';
import type { Site, UnitBuilder } from './unit.js';
import type { VcpuPage } from './vcpu-page.js';
import type { BtStats } from './stats.js';

const PTR = 1n, TC_LEAF = 0x59n /* V X U A */, IJC_LEAF = 0x53n /* V R U A */, VCPU_LEAF = 0xd7n /* V R W U A D */;
const ptr = (pa: bigint) => ((pa >> 12n) << 10n) | PTR;

export interface Unit {
  guestPc: bigint;
  /** Where an indirect jump enters (it restores t6), and where everything else does. */
  entry: bigint;
  body: bigint;
  end: bigint;
  /** Translated pcs (ascending) where each guest instruction begins, and those guest pcs. */
  tcPcs: bigint[];
  guestPcs: bigint[];
  guestNexts: bigint[];
  /** Guest-physical pages its code was read from, and guest-virtual pages it was read through. */
  pages: bigint[];
  vaPages: bigint[];
  /** Chained exits that jump to its body. */
  incoming: Set<bigint>;
  live: boolean;
}

export interface GuestLocation { unit: Unit; guestPc: bigint; guestNext: bigint; boundary: boolean }

export class TranslationCache {
  /** The level-0 table of the reserved region, shared by every kernel root of the VM. */
  readonly table: bigint;
  private readonly frames: bigint[] = [];
  private next = 0;
  private units: Unit[] = [];
  private readonly byGuest = new Map<bigint, Unit>();
  private readonly sites = new Map<bigint, Site>();
  /** Guest-physical page -> live units read from it. */
  private readonly onPage = new Map<bigint, number>();

  /** Frames come from the VM's own share of VMM memory. */
  /** The indirect-jump cache translated code looks jump targets up in. */
  readonly ijc: IndirectJumpCache;

  constructor(private readonly m: Machine, private readonly pool: VmmPool, vcpu: VcpuPage, private readonly stats: BtStats) {
    this.table = pool.alloc();
    m.write64(this.table + BigInt(VCPU_SLOT) * 8n, ((vcpu.hpa >> 12n) << 10n) | VCPU_LEAF);
    const frames = Array.from({ length: IJC_PAGES }, (_, i) => {
      const f = pool.alloc();
      m.write64(this.table + BigInt(IJC_FIRST_SLOT + i) * 8n, ((f >> 12n) << 10n) | IJC_LEAF);
      return f;
    });
    this.ijc = new IndirectJumpCache(m, frames);
  }

  /** Maps the reserved region into a new kernel root: root[511] -> its own level-1 table -> [511] the shared table. */
  install(root: bigint): bigint[] {
    const l1 = this.pool.alloc();
    this.m.write64(l1 + 511n * 8n, ptr(this.table));
    this.m.write64(root + 511n * 8n, ptr(l1));
    return [l1];
  }

  /** The unit translated for guest pc, counting the lookup. */
  lookup(guestPc: bigint): Unit | undefined {
    const u = this.byGuest.get(guestPc);
    if (u) this.stats.lookupHits++; else this.stats.lookupMisses++;
    return u;
  }

  /** The unit of a guest pc, without counting a lookup. */
  peek(guestPc: bigint): Unit | undefined { return this.byGuest.get(guestPc); }

  /** A callout site at a translated pc. */
  site(tc: bigint): Site | undefined { return this.sites.get(tc); }

  /** The live unit holding a translated pc. */
  unitAt(tc: bigint): Unit | undefined {
    let lo = 0, hi = this.units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, u = this.units[mid];
      if (tc < u.entry) hi = mid - 1;
      else if (tc >= u.end) lo = mid + 1;
      else return u.live ? u : undefined;
    }
    return undefined;
  }

  /**
   * The guest instruction a translated pc belongs to (its pc, and the pc after it), and whether
   * the translated pc is where its translation begins: a boundary, where the guest's state is
   * exactly the guest's (inside an emulation sequence scratch registers are in use).
   */
  guestPcAt(tc: bigint): GuestLocation | undefined {
    const u = this.unitAt(tc);
    if (!u) return undefined;
    if (tc < u.body || u.tcPcs.length === 0) return { unit: u, guestPc: u.guestPc, guestNext: u.guestPc, boundary: false }; // t6 not yet restored
    let i = u.tcPcs.length - 1;
    while (i > 0 && u.tcPcs[i] > tc) i--;
    return { unit: u, guestPc: u.guestPcs[i], guestNext: u.guestNexts[i], boundary: u.tcPcs[i] === tc };
  }

  /** Drops one unit (to retranslate it). */
  drop(u: Unit): void { this.invalidate((x) => x === u); }

  /** Installs a built unit (flushing the whole cache first if it does not fit). */
  add(b: UnitBuilder, pages: bigint[], vaPages: bigint[]): Unit {
    const bytes = b.words.length * 4;
    if (bytes > TC_BYTES) throw new Error(`a translation unit of ${bytes} bytes does not fit the translation cache`);
    if (this.next + bytes > TC_BYTES) this.flush();
    let entry = TC_BASE + BigInt(this.next);
    try {
      this.write(entry, b.words);
    } catch (e) {
      // The VM's VMM memory has no frame for more cache: start over in the frames it has.
      if (!(e instanceof OutOfMemory) || this.next === 0) throw e;
      this.flush();
      entry = TC_BASE;
      this.write(entry, b.words);
    }
    this.next += bytes;
    const at = (i: number) => entry + BigInt(i) * 4n;
    const u: Unit = {
      guestPc: b.guestPc, entry, body: at(1), end: at(b.words.length), tcPcs: b.marks.map(([i]) => at(i)),
      guestPcs: b.marks.map(([, pc]) => pc), guestNexts: b.marks.map(([, , next]) => next), pages, vaPages, incoming: new Set(), live: true,
    };
    for (const [i, s] of b.sites) this.sites.set(at(i), s);
    this.units.push(u);
    this.byGuest.set(u.guestPc, u);
    for (const p of pages) this.onPage.set(p, (this.onPage.get(p) ?? 0) + 1);
    this.stats.units++;
    this.stats.translatedInstructions += b.instructions;
    this.stats.inTcSites += b.emulations;
    this.stats.cacheBytes = this.next;
    // chain the exits to units that exist (others are chained when first taken)
    for (const [i, s] of b.sites) if (s.kind === 'chain') { const t = this.byGuest.get(s.target!); if (t) this.chain(at(i), t); }
    return u;
  }

  /** Patches the exit at `slot` into a direct jump to `to` (and a taken branch's exit: the branch too, if it reaches). */
  chain(slot: bigint, to: Unit): void {
    if (!to.live || !this.unitAt(slot)) return;
    this.write(slot, [jal(0, Number(to.body - slot))]);
    const branch = this.sites.get(slot)?.branch;
    const reach = to.body - (slot - 8n);
    if (branch !== undefined && reach >= -4096n && reach < 4096n) this.write(slot - 8n, [retarget(branch, Number(reach))]);
    to.incoming.add(slot);
    this.stats.chained++;
  }

  /** Undoes chain(): the exit is a callout again, and a branch jumps to it again. */
  private unchain(slot: bigint): void {
    this.write(slot, [ECALL]);
    const branch = this.sites.get(slot)?.branch;
    if (branch !== undefined) this.write(slot - 8n, [branch]);
  }

  /** Drops every live unit whose code came from guest-physical page `page`; returns how many. */
  invalidatePage(page: bigint): number { return this.counted(this.invalidate((u) => u.pages.includes(page))); }
  /** Drops every live unit read through guest-virtual page `va` (its mapping changed). */
  invalidateVaPage(va: bigint): number { return this.counted(this.invalidate((u) => u.vaPages.includes(va))); }
  private counted(n: number): number { this.stats.invalidations += n; return n; }
  /** Whether some live unit was read from guest-physical page `page`. */
  holds(page: bigint): boolean { return (this.onPage.get(page) ?? 0) > 0; }

  private invalidate(which: (u: Unit) => boolean): number {
    let n = 0;
    for (const u of this.units) {
      if (!u.live || !which(u)) continue;
      u.live = false;
      n++;
      for (const p of u.pages) this.onPage.set(p, this.onPage.get(p)! - 1);
      if (this.byGuest.get(u.guestPc) === u) this.byGuest.delete(u.guestPc);
      for (const slot of u.incoming) this.unchain(slot);
      this.ijc.drop(u.entry, u.end);
    }
    return n;
  }

  /** Empties the cache: every unit, site and indirect-jump entry goes; the frames are reused. */
  flush(): void {
    this.units = [];
    this.byGuest.clear();
    this.sites.clear();
    this.onPage.clear();
    this.next = 0;
    this.ijc.clear();
    this.stats.flushes++;
  }

  /** Writes words at a translated address, mapping (and allocating) cache frames as needed. */
  private write(va: bigint, words: number[]): void {
    const bytes = new Uint8Array(words.length * 4);
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => view.setUint32(i * 4, w, true));
    for (let done = 0; done < bytes.length;) {
      const a = va + BigInt(done);
      const page = Number((a - TC_BASE) >> 12n);
      const off = Number(a & 0xfffn);
      const n = Math.min(bytes.length - done, 4096 - off);
      this.m.writePhys(this.frame(page) + BigInt(off), bytes.subarray(done, done + n));
      done += n;
    }
  }

  private frame(page: number): bigint {
    while (this.frames.length <= page) {
      const f = this.pool.alloc();
      this.m.write64(this.table + BigInt(TC_FIRST_SLOT + this.frames.length) * 8n, ((f >> 12n) << 10n) | TC_LEAF);
      this.frames.push(f);
    }
    if (page >= TC_PAGES) throw new Error('translation cache address out of range');
    return this.frames[page];
  }
}
