/**
 * Shadow page tables: the tables the hart really walks while a guest believes its own are in use.
 * A shadow maps guest-virtual pages straight to host frames (through the p2m) and is filled lazily,
 * one 4 KiB page per hidden fault, from a software walk of the guest's table. It stays coherent by
 * write-protecting every guest page-table page a walk has read: a guest store to one faults, is
 * emulated (guest-store.ts), and drops exactly the shadow entries derived from the PTE it changed.
 * A page that keeps being written without being walked is unprotected again (write-flood detection).
 *
 * Shadows are cached per guest root, so switching processes reuses them, and per ring: with ring
 * compression (the guest kernel deprivileged to U) the kernel's view and the user's view are
 * separate shadows, so user code never sees kernel pages; with `preserve` (the guest runs in VS/VU)
 * one shadow keeps the guest's U bits and the hart enforces them.
 *
 * Isolation: every shadow root's ASID comes from the host's allocator, so no other VM's address
 * space shares it, and giving it back flushes its translations. Every shadow table page comes from
 * the VM's own VMM pool; when the pool (or the host's ASIDs) runs out, the VM's shadows are all
 * dropped and rebuilt on demand (a reclaim), which costs this VM time and no other VM anything.
 */
import type { Machine } from '../../bindings/machine.js';
import type { HostMemory } from './frames.js';
import { OutOfMemory } from './errors.js';
import type { Vm } from './vm.js';
import { walkGuest, WRITE, READ, FETCH, type AccessType, type GuestContext } from './guest-walk.js';
import { DEFAULT_FLOOD_WRITES } from './strategy-params.js';

export type Ring = 'S' | 'U';
export type RingMode = 'compress' | 'preserve';
export type FaultResult = { kind: 'filled' } | { kind: 'guest'; cause: number } | { kind: 'pt-write'; gpa: bigint } | { kind: 'unmapped'; gpa: bigint; cause: number };
/** What a fault can also be under binary translation: a write to translated code, or an access to the VMM's region. */
export type TranslatedFaultResult = FaultResult | { kind: 'code-write'; gpa: bigint } | { kind: 'reserved' };

/**
 * How binary translation changes the kernel's shadows (ring S under ring compression): guest pages
 * are never executable there (kernel code runs from the translation cache), and the top of every
 * kernel address space, from `reservedBase`, is the VMM's: `install` maps its pages into each new
 * kernel root (returning the tables that root owns, from the VM's pool), and no fault there is
 * filled from the guest's tables.
 */
export interface TranslatedKernel {
  reservedBase: bigint;
  install(root: bigint): bigint[];
}

const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const SV39 = 8n << 60n;
const PPN = (1n << 44n) - 1n;
const MAX_ROOTS = 128;

interface ShadowRoot { root: bigint; asid: number; pages: bigint[] }
interface SlotInfo { page: bigint; pteAddrs: bigint[] }

const pageOf = (a: bigint) => a & ~0xfffn;
function addTo<K, T>(m: Map<K, Set<T>>, k: K, v: T): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

/** Shadow page tables for one VM: built from the guest's tables on faults, kept coherent by write-protecting the guest's page-table pages. */
export class ShadowPaging {
  private roots = new Map<string, ShadowRoot>();
  /** Guest PTE address -> shadow leaf slots derived from it. */
  private derived = new Map<bigint, Set<bigint>>();
  /** Guest page -> shadow leaf slots mapping it. */
  private rmap = new Map<bigint, Set<bigint>>();
  private slots = new Map<bigint, SlotInfo>();
  /** Write-protected guest page-table pages -> emulated writes since a walk last used them. */
  private ptPages = new Map<bigint, number>();
  private needFlush = false;
  /** Called after every shadow has been dropped: the strategy points the hart at a new root. */
  onReset: () => void = () => {};
  /** Guest pages holding translated code: never writable in any shadow, so every write reaches the VMM. */
  private codePages = new Set<bigint>();
  private translated?: TranslatedKernel;

  /**
   * `floodWrites`: emulated writes to a page-table page, with no walk through it in between, before
   * it is unprotected (Infinity: never, classic trap-and-emulate).
   */
  constructor(private readonly machine: Machine, private readonly host: HostMemory, private readonly vm: Vm,
    private readonly rings: RingMode, private readonly floodWrites = DEFAULT_FLOOD_WRITES) {
    vm.onDestroy(() => this.dropAll());
  }

  private get stats() { return this.vm.stats; }
  private get p2m() { return this.vm.p2m; }

  /** The hart's satp (Sv39, the shadow's ASID, the shadow root) for a guest satp and ring. */
  satpFor(guestSatp: bigint, ring: Ring): bigint {
    const r = this.rootFor(guestSatp, ring);
    return SV39 | (BigInt(r.asid) << 44n) | (r.root >> 12n);
  }

  /**
   * A fault of the shadow at gva, in the address space of `ctx` (the guest's satp and mode) and
   * ring: fills the shadow from the guest's table (a hidden fault), reports a fault the guest must
   * see, or a store to a write-protected page-table page to emulate.
   */
  fault(ctx: GuestContext, ring: Ring, gva: bigint, type: AccessType): FaultResult {
    const r = this.translatedFault(ctx, ring, gva, type);
    if (r.kind === 'code-write' || r.kind === 'reserved') throw new Error(`a ${r.kind} fault outside binary translation`);
    return r;
  }

  /** fault(), for binary translation: also reports writes to watched code pages and accesses to the reserved region. */
  translatedFault(ctx: GuestContext, ring: Ring, gva: bigint, type: AccessType): TranslatedFaultResult {
    if (this.translated && ring === 'S' && gva >= this.translated.reservedBase) return { kind: 'reserved' };
    const refs = { n: 0 };
    const w = walkGuest(this.p2m, ctx, gva, type, refs);
    this.stats.guestWalkRefs += refs.n;
    if (!w.ok) return { kind: 'guest', cause: w.cause };
    const page = pageOf(w.gpa);
    const hpa = this.p2m.hpa(page);
    // Outside the VM's RAM: a device's register (the strategy emulates it) or an access fault.
    if (hpa === undefined) return { kind: 'unmapped', gpa: w.gpa, cause: type === FETCH ? 1 : type === WRITE ? 7 : 5 };
    for (const a of w.pteAddrs) this.protect(pageOf(a));
    if (type === WRITE && this.ptPages.has(page)) return { kind: 'pt-write', gpa: w.gpa };
    if (type === WRITE && this.codePages.has(page)) return { kind: 'code-write', gpa: w.gpa };
    const flags = this.leafFlags(w.pte, page, ring, type);
    this.reclaiming(() => this.fill(this.rootFor(ctx.satp, ring), gva, hpa, flags, page, w.pteAddrs));
    this.stats.hiddenFaults++;
    this.flushIfNeeded();
    return { kind: 'filled' };
  }

  /** True when the guest page at gpa holds a page table the shadows are derived from (writes to it are emulated). */
  isPageTable(gpa: bigint): boolean { return this.ptPages.has(pageOf(gpa)); }

  /** Emulates a guest write of `bytes` at gpa, within one page, into a write-protected page-table page. */
  emulatePtWrite(gpa: bigint, bytes: Uint8Array): void {
    this.p2m.write(gpa, bytes);
    this.stats.ptWrites++;
    const page = pageOf(gpa);
    for (let a = gpa & ~7n; a < gpa + BigInt(bytes.length); a += 8n) this.zapDerived(a);
    const writes = (this.ptPages.get(page) ?? 0) + 1;
    if (writes > this.floodWrites) this.unprotect(page);
    else this.ptPages.set(page, writes);
    this.flushIfNeeded();
  }

  /** Shadows for binary translation: see TranslatedKernel. Set before the first satpFor. */
  translateKernel(t: TranslatedKernel): void { this.translated = t; }

  /** Stops write-protecting a page-table page (the guest reuses it as data), as write-flood detection would after a run of writes. */
  stopTracing(gpa: bigint): void {
    if (!this.ptPages.has(pageOf(gpa))) return;
    this.unprotect(pageOf(gpa));
    this.flushIfNeeded();
  }

  /** Write-watches a guest page of translated code: no shadow maps it writable until unwatchCode. */
  watchCode(page: bigint): void {
    if (this.codePages.has(page)) return;
    this.codePages.add(page);
    this.dropWrite(page);
    this.flushIfNeeded();
  }
  /** The page holds no translated code any more; its shadow entries become writable again at their next fault. */
  unwatchCode(page: bigint): void { this.codePages.delete(page); }

  /** Drops every shadow (the cache is full, or the VM's pool ran out); the strategy then re-roots the hart. */
  reset(): void {
    this.dropAll();
    this.stats.shadowReclaims++;
    this.onReset();
  }

  /** Shadow pages held now (from the VM's pool). */
  get pagesHeld(): number { let n = 0; for (const r of this.roots.values()) n += r.pages.length; return n; }

  private dropAll(): void {
    for (const r of this.roots.values()) {
      this.host.asids.release(r.asid); // flushes its translations
      this.stats.vmmFlushes++;
      for (const p of r.pages) this.vm.vmm.free(p);
    }
    this.roots.clear();
    this.derived.clear();
    this.rmap.clear();
    this.slots.clear();
    this.ptPages.clear();
    this.needFlush = false;
  }

  private rootFor(guestSatp: bigint, ring: Ring): ShadowRoot {
    const key = `${guestSatp >> 60n === 0n ? 'bare' : (guestSatp & PPN).toString(16)}:${this.rings === 'preserve' ? '-' : ring}`;
    const known = this.roots.get(key);
    if (known) return known;
    if (this.roots.size >= MAX_ROOTS) this.reset();
    // A reset re-roots the hart through onReset, which may already have made this root.
    const r = this.reclaiming(() => this.roots.get(key) ?? this.newRoot(ring));
    this.roots.set(key, r);
    return r;
  }

  private newRoot(ring: Ring): ShadowRoot {
    const root = this.vm.vmm.alloc();
    const r: ShadowRoot = { root, asid: 0, pages: [root] };
    try {
      if (this.translated && ring === 'S' && this.rings === 'compress') r.pages.push(...this.translated.install(root));
      r.asid = this.host.asids.alloc(() => this.flushAsid(r.asid));
    } catch (e) {
      for (const p of r.pages) this.vm.vmm.free(p);
      throw e;
    }
    return r;
  }

  /** Runs `f`; if the VM's pool or the host's ASIDs are exhausted, drops all shadows and tries once more. */
  private reclaiming<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof OutOfMemory)) throw e;
      this.reset();
      return f();
    }
  }

  private flushAsid(asid: number): void {
    this.machine.flushTlbTag(this.rings === 'compress' ? { virt: false, asid } : { virt: true, vmid: 0, asid });
  }

  /** Shadow leaf permissions for a guest leaf: never writable where the guest's D is clear or the page holds a page table. */
  private leafFlags(pte: bigint, page: bigint, ring: Ring, type: AccessType): bigint {
    let f = V | A | D | (pte & (R | X));
    if (type === READ && (pte & R) === 0n) f |= R; // an MXR read of an execute-only page
    if ((pte & W) !== 0n && (pte & D) !== 0n && !this.ptPages.has(page) && !this.codePages.has(page)) f |= W;
    if (this.rings === 'preserve') return f | (pte & U);
    // Ring compression: the hart is in U for both rings; the kernel may not execute user pages
    // (nor any guest page, when its code runs from a translation cache).
    if (ring === 'S' && ((pte & U) !== 0n || this.translated)) f &= ~X;
    return f | U;
  }

  /** A page a walk read PTEs from becomes (or stays) a write-protected page-table page. */
  private protect(page: bigint): void {
    const known = this.ptPages.has(page);
    this.ptPages.set(page, 0);
    if (!known) this.dropWrite(page);
  }

  /** Makes every shadow leaf that maps a guest page read-only. */
  private dropWrite(page: bigint): void {
    for (const slot of this.rmap.get(page) ?? []) {
      const pte = this.machine.read64(slot);
      if ((pte & W) !== 0n) { this.machine.write64(slot, pte & ~W); this.stats.shadowUpdates++; this.needFlush = true; }
    }
  }

  /** A page-table page written like data: stop protecting it, and forget what was derived from it. */
  private unprotect(page: bigint): void {
    this.ptPages.delete(page);
    for (let a = page; a < page + 4096n; a += 8n) this.zapDerived(a);
    for (const slot of [...(this.rmap.get(page) ?? [])]) this.zap(slot); // refilled writable on the next fault
  }

  private zapDerived(pteAddr: bigint): void {
    for (const slot of [...(this.derived.get(pteAddr) ?? [])]) this.zap(slot);
  }

  private zap(slot: bigint): void {
    const info = this.slots.get(slot);
    if (!info) return;
    this.machine.write64(slot, 0n);
    this.stats.shadowUpdates++;
    this.needFlush = true;
    this.slots.delete(slot);
    this.rmap.get(info.page)?.delete(slot);
    for (const a of info.pteAddrs) this.derived.get(a)?.delete(slot);
  }

  /** Writes the shadow leaf for gva (allocating intermediate shadow tables) and records where it came from. */
  private fill(root: ShadowRoot, gva: bigint, hpa: bigint, flags: bigint, page: bigint, pteAddrs: bigint[]): void {
    let table = root.root;
    for (let level = 2; level > 0; level--) {
      const slot = table + ((gva >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
      const pte = this.machine.read64(slot);
      if ((pte & V) !== 0n) { table = (pte >> 10n) << 12n; continue; }
      const next = this.vm.vmm.alloc();
      root.pages.push(next);
      this.machine.write64(slot, ((next >> 12n) << 10n) | V);
      table = next;
    }
    const slot = table + ((gva >> 12n) & 0x1ffn) * 8n;
    if (this.slots.has(slot)) this.zap(slot);
    this.machine.write64(slot, ((hpa >> 12n) << 10n) | flags);
    this.stats.shadowUpdates++;
    this.slots.set(slot, { page, pteAddrs });
    addTo(this.rmap, page, slot);
    for (const a of pteAddrs) addTo(this.derived, a, slot);
  }

  private flushIfNeeded(): void {
    if (!this.needFlush) return;
    this.needFlush = false;
    this.machine.flushTlb();
    this.stats.vmmFlushes++;
  }
}
