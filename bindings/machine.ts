/**
 * `Machine`: the typed face of one instance of the Wasm core. Mechanism only: run, registers,
 * CSRs, physical memory, console rings, counters, exit records, snapshot/restore. Policy (what to
 * load, what to do on an exit) lives in src/.
 */
import { instantiateCore, type CoreExports, type CoreFlavor } from './core.js';
import { STATE, STATE_WORDS, COUNTER_FIELDS, CONSTANTS, REGIONS, type StateField } from './gen/layout.js';
import { EXIT_REASONS, type ExitRecord } from './exit.js';

/** Physical address where guest RAM starts (0x8000_0000, as on QEMU `virt`). */
export const RAM_BASE = BigInt(CONSTANTS.RAM_GUEST_BASE);
const RING_CAPACITY = CONSTANTS.RING_SIZE - 8;

/** Options of a new machine. */
export interface MachineOptions {
  /** Bytes of guest RAM (a multiple of 4096; default 128 MiB). */
  ramBytes?: number;
  /** Core build to use (default release). */
  flavor?: CoreFlavor;
}

/** Exit controls and timing: which events leave the core, and how time advances. */
export interface MachineConfig {
  /** Exception causes (bit n = cause n) that exit to the host instead of trapping in the guest. */
  exitOnException?: bigint;
  /** Loads/stores to unmapped physical addresses exit to the host instead of raising access faults. */
  exitOnMmio?: boolean;
  /** WFI always exits to the host. */
  exitOnWfi?: boolean;
  /** The walker sets A/D bits (true) or raises page faults (false, Svade; default). */
  hardwareAD?: boolean;
  /** Instructions per mtime tick when time follows instructions (default 10). */
  cyclesPerTick?: number;
  /** mtime follows the host clock at 10 MHz instead of retired instructions. */
  wallClock?: boolean;
  /** Modelled TLB geometry (default 64 entries, 4 ways). */
  tlb?: { entries: number; ways: number };
  /** Walk accelerators: page-walk caches of upper-level PTEs per stage, and the nested TLB (both off by default). */
  walkCaches?: { pwc: boolean; ntlb: boolean };
  /** Interrupts (bit n = interrupt n) that exit to the host, still pending, instead of being taken. */
  exitOnInterrupt?: bigint;
  /** TLB entries tagged with VMID, ASID and V (default); false: every context switch flushes the TLB. */
  tlbTagged?: boolean;
  /**
   * The ISA profile: 'standard' (RISC-V as specified, classically virtualizable: every sensitive
   * instruction traps in U) or 'critical', where some sensitive CSR accesses from U do not trap but
   * behave differently, as IA-32's critical instructions do (docs/BT.md lists them).
   */
  profile?: HartProfile;
}

export type HartProfile = 'standard' | 'critical';
export const HART_PROFILES: readonly HartProfile[] = ['standard', 'critical'];

/** A copy of a whole machine: architectural state, device state, console rings and RAM. */
export interface Snapshot {
  version: number;
  ramBytes: number;
  state: BigUint64Array;
  rings: Uint8Array;
  ram: Uint8Array;
}
const SNAPSHOT_VERSION = 1;

/** The hart and devices without RAM: what a migration moves besides the pages. */
export interface HartState { version: number; state: BigUint64Array; rings: Uint8Array }

/**
 * The words that make a machine's clocks — mtime, mcycle, minstret and the counters they derive
 * from — in layout order. A VM migrated onto a host machine of its own takes its source host's
 * clock with it, so the time and counters the guest reads go on exactly.
 */
export const CLOCK_FIELDS = ['cnt_instret', 'cnt_cycles', 'mtimeOffset', 'cycleOffset', 'instretOffset', 'inhibitedCycle', 'inhibitedInstret', 'mcountinhibit', 'cyclesPerTick', 'wallClock'] as const;
/** Instructions per call into the core. */
const SLICE = 1 << 22;

/** Thrown for a bad argument to a machine (a range outside RAM, a bad register, a bad configuration); the machine is unchanged. */
export class MachineError extends Error {}

/** One RISC-V hart with its RAM and devices, on its own instance of the Wasm core. Create one with {@link Machine.create}; several live side by side. */
export class Machine {
  private constructor(
    private readonly core: CoreExports,
    /** Bytes of guest RAM. */
    readonly ramBytes: number,
  ) {}

  /** Creates a machine with its own core instance and memory. */
  static async create(options: MachineOptions = {}): Promise<Machine> {
    const ramBytes = options.ramBytes ?? 128 * 1024 * 1024;
    if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % 4096 !== 0) {
      throw new MachineError(`RAM size ${ramBytes} is not a positive multiple of 4096 bytes`);
    }
    const core = await instantiateCore(options.flavor);
    if (core.heapEnd() > REGIONS.STATE.base) throw new MachineError('core static data overlaps the state region');
    if (core.init(BigInt(ramBytes)) !== 0) throw new MachineError(`cannot allocate ${ramBytes} bytes of guest RAM`);
    return new Machine(core, ramBytes);
  }

  // --- views (recreated on demand: growing memory detaches old ones) ---
  // Views of the core's memory, remade only when growing the memory has detached the old buffer:
  // a VMM touches registers and guest memory on every exit.
  private stateView?: BigUint64Array;
  private dataView?: DataView;
  private get state(): BigUint64Array {
    const buf = this.core.memory.buffer;
    if (this.stateView?.buffer !== buf) this.stateView = new BigUint64Array(buf, this.core.stateBase(), STATE_WORDS);
    return this.stateView;
  }
  private get bytes(): DataView {
    const buf = this.core.memory.buffer;
    if (this.dataView?.buffer !== buf) this.dataView = new DataView(buf);
    return this.dataView;
  }
  private word(field: StateField, i = 0): bigint { return this.state[STATE[field].index + i]; }
  private setWord(field: StateField, v: bigint, i = 0): void { this.state[STATE[field].index + i] = BigInt.asUintN(64, v); }

  /** Runs at most `budget` instructions (1..2^31-1) and returns the exit record. */
  run(budget: number): ExitRecord {
    if (!Number.isInteger(budget) || budget < 1 || budget > 0x7fff_ffff) throw new MachineError(`budget ${budget} is not an integer in 1..2^31-1`);
    // Slices keep each call short: V8 tiers a Wasm function up between calls, not during one.
    let left = budget;
    let code: number;
    do {
      const slice = Math.min(left, SLICE);
      code = this.core.run(slice);
      left -= slice;
    } while (code === 1 && left > 0);
    const reason = EXIT_REASONS[code] ?? 'none';
    const exit: ExitRecord = { reason, pc: this.word('exitPc'), insn: Number(this.word('exitInsn')) };
    if (reason === 'trap' || reason === 'interrupt') {
      exit.cause = Number(this.word('exitCause'));
      exit.tval = this.word('exitTval');
      exit.gpa = this.word('exitGpa');
      exit.tinst = Number(this.word('exitTinst'));
      exit.virt = this.word('exitVirt') !== 0n;
      exit.priv = Number(this.word('exitPriv'));
    }
    if (reason === 'halt') exit.code = Number(this.word('exitCode'));
    if (reason === 'not-present') exit.pa = this.word('exitAbsentPa');
    if (reason === 'mmio') {
      exit.mmio = { addr: this.word('mmioAddr'), size: Number(this.word('mmioSize')), isStore: this.word('mmioIsStore') !== 0n, value: this.word('mmioValue') };
    }
    return exit;
  }

  /** Completes an MMIO exit (the value of a load; ignored for a store); the instruction retires. */
  completeMmio(value = 0n): void { this.core.mmioComplete(BigInt.asUintN(64, value)); }
  /** Ends an MMIO exit as an access fault (no device there): `tval` is the access's virtual address. */
  faultMmio(tval: bigint): void { this.core.mmioFault(BigInt.asUintN(64, tval)); }

  /** Resets the hart to M-mode at `pc`; RAM is kept. */
  reset(pc: bigint = RAM_BASE): void { this.core.reset(pc); }

  /** Sets exit controls, timing and TLB geometry. Nothing changes unless every field is valid. */
  configure(c: MachineConfig): void {
    if (c.cyclesPerTick !== undefined && (!Number.isInteger(c.cyclesPerTick) || c.cyclesPerTick < 1)) {
      throw new MachineError(`cyclesPerTick ${c.cyclesPerTick} must be a positive integer`);
    }
    const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= CONSTANTS.TLB_MAX_ENTRIES;
    const { tlb } = c;
    if (tlb && (!inRange(tlb.entries) || !inRange(tlb.ways) || tlb.ways > tlb.entries || tlb.entries % tlb.ways !== 0 ||
      (tlb.entries & (tlb.entries - 1)) !== 0 || ((tlb.entries / tlb.ways) & (tlb.entries / tlb.ways - 1)) !== 0)) {
      throw new MachineError(`TLB geometry ${tlb.entries} entries / ${tlb.ways} ways: entries must be a power of two up to ${CONSTANTS.TLB_MAX_ENTRIES} and sets a power of two`);
    }
    if (c.profile !== undefined && !HART_PROFILES.includes(c.profile)) {
      throw new MachineError(`profile "${String(c.profile)}" is not one of ${HART_PROFILES.join(', ')}`);
    }
    if (c.exitOnException !== undefined) this.setWord('exitOnException', c.exitOnException);
    if (c.exitOnMmio !== undefined) this.setWord('exitOnMmio', c.exitOnMmio ? 1n : 0n);
    if (c.exitOnWfi !== undefined) this.setWord('exitOnWfi', c.exitOnWfi ? 1n : 0n);
    if (c.hardwareAD !== undefined) this.core.setHardwareAD(c.hardwareAD ? 1 : 0);
    if (c.cyclesPerTick !== undefined) this.setWord('cyclesPerTick', BigInt(c.cyclesPerTick));
    if (c.wallClock !== undefined) this.setWord('wallClock', c.wallClock ? 1n : 0n);
    if (tlb) this.core.configureTlb(tlb.entries, tlb.ways);
    if (c.walkCaches) this.core.setWalkCaches(c.walkCaches.pwc ? 1 : 0, c.walkCaches.ntlb ? 1 : 0);
    if (c.exitOnInterrupt !== undefined) this.setWord('exitOnInterrupt', c.exitOnInterrupt);
    if (c.tlbTagged !== undefined) { this.setWord('tlbTagged', c.tlbTagged ? 1n : 0n); this.core.flushCaches(); }
    if (c.profile !== undefined) this.setWord('profile', BigInt(HART_PROFILES.indexOf(c.profile)));
  }

  /** The ISA profile (configure({ profile })). */
  get profile(): HartProfile { return HART_PROFILES[Number(this.word('profile'))] ?? 'standard'; }

  /** Instructions retired so far (exact between runs). */
  get instructions(): bigint { return this.word('cnt_instret'); }
  /** What run() budgets count: instructions retired plus traps taken (exact between runs). */
  get progress(): bigint { return this.word('cnt_instret') + this.word('cnt_exceptions') + this.word('cnt_interrupts'); }
  /** Flushes the modelled TLB (and the walk caches), as an SFENCE.VMA of everything: for a hypervisor that edited page tables the hart uses. */
  flushTlb(): void { this.core.flushTlb(); }
  /**
   * Flushes one tag's translations (counted in tlbFlushRecycle), for a hypervisor recycling an
   * ASID or VMID: the host context's non-global entries of `asid` (virt false), or a guest's
   * entries of VMID `vmid`, all of them or only those of `asid`.
   */
  flushTlbTag(tag: { virt: false; asid: number } | { virt: true; vmid: number; asid?: number }): void {
    if (tag.virt) this.core.flushTlbTag(1, tag.vmid, tag.asid ?? -1);
    else this.core.flushTlbTag(0, 0, tag.asid);
  }
  /** Drops the LR/SC reservation, so the next SC fails (as a world switch must: the spec lets an SC fail spuriously). */
  clearReservation(): void { this.setWord('reservation', 0xffff_ffff_ffff_ffffn); }
  /** The LR/SC reservation's physical address, or undefined when there is none. */
  get reservation(): bigint | undefined { const r = this.word('reservation'); return r === 0xffff_ffff_ffff_ffffn ? undefined : r; }
  /** The CLINT's mtime now; setting it is a store to mtime (the clock goes on from there). */
  get time(): bigint { return BigInt.asUintN(64, this.core.timeNow()); }
  set time(v: bigint) { this.core.setTimeNow(BigInt.asUintN(64, v)); }
  /** The CLINT's mtimecmp (all ones: no timer interrupt). */
  set timerCompare(v: bigint) { this.core.setTimerCompare(BigInt.asUintN(64, v)); }
  get timerCompare(): bigint { return this.word('mtimecmp'); }

  /** Physical addresses of the HTIF words (from the image's symbols). */
  setHtif(tohost?: bigint, fromhost?: bigint): void {
    this.core.setHtif(tohost ?? 0xffff_ffff_ffff_ffffn, fromhost ?? 0xffff_ffff_ffff_ffffn);
  }

  // --- registers ---
  getReg(i: number): bigint { this.checkReg(i); return i === 0 ? 0n : this.word('x', i); }
  /** Sets integer register x`i` (writes to x0 are ignored). */
  setReg(i: number, v: bigint): void { this.checkReg(i); if (i !== 0) this.setWord('x', v, i); }
  private checkReg(i: number) { if (!Number.isInteger(i) || i < 0 || i > 31) throw new MachineError(`no register x${i}`); }
  /** The program counter (exact between runs). */
  get pc(): bigint { return this.word('pc'); }
  set pc(v: bigint) { this.setWord('pc', v); }
  /** Current privilege: 0 U, 1 S, 3 M. */
  get priv(): number { return Number(this.word('priv')); }
  set priv(p: number) {
    if (p !== 0 && p !== 1 && p !== 3) throw new MachineError(`privilege ${p} is not 0, 1 or 3`);
    if (p === 3 && this.virt) throw new MachineError('M-mode has no virtual counterpart: clear virt first');
    this.setWord('priv', BigInt(p));
    this.core.stateChanged();
  }
  /** The virtualization mode V of the hypervisor extension: true in VS (priv 1) and VU (priv 0). */
  get virt(): boolean { return this.word('virt') !== 0n; }
  set virt(v: boolean) {
    if (v && this.priv === 3) throw new MachineError('V=1 needs privilege 0 (VU) or 1 (VS), not M');
    this.setWord('virt', v ? 1n : 0n);
    this.core.stateChanged();
  }

  // --- CSRs ---
  csrExists(csr: number): boolean { return this.core.csrExists(csr) !== 0; }
  /** Reads a CSR as the hardware holds it (no privilege check); throws for a CSR that does not exist. */
  readCsr(csr: number): bigint {
    if (!this.csrExists(csr)) throw new MachineError(`no CSR 0x${csr.toString(16)}`);
    return BigInt.asUintN(64, this.core.csrRead(csr));
  }
  /** Writes a CSR with its WARL rules applied (no privilege check); throws for a CSR that does not exist. */
  writeCsr(csr: number, v: bigint): void {
    if (!this.core.csrWrite(csr, BigInt.asUintN(64, v))) throw new MachineError(`no CSR 0x${csr.toString(16)}`);
  }

  // --- physical memory ---
  private ramOffset(pa: bigint, len: number): number {
    if (!Number.isSafeInteger(len) || len < 0) throw new MachineError(`length ${len} is not a non-negative integer`);
    if (typeof pa !== 'bigint') throw new MachineError(`physical address ${String(pa)} is not a bigint`);
    const off = pa - RAM_BASE;
    if (off < 0n || off + BigInt(len) > BigInt(this.ramBytes)) {
      throw new MachineError(`physical range [0x${pa.toString(16)}, +${len}) is outside RAM [0x${RAM_BASE.toString(16)}, 0x${(RAM_BASE + BigInt(this.ramBytes)).toString(16)})`);
    }
    return this.core.ramBase() + Number(off);
  }
  /** A copy of `len` bytes of RAM at physical address `pa`; throws outside RAM. */
  readPhys(pa: bigint, len: number): Uint8Array {
    return new Uint8Array(this.core.memory.buffer, this.ramOffset(pa, len), len).slice();
  }
  /** Writes bytes into RAM at physical address `pa` (cached decoded code there is dropped); throws outside RAM. */
  writePhys(pa: bigint, bytes: Uint8Array): void {
    new Uint8Array(this.core.memory.buffer, this.ramOffset(pa, bytes.length), bytes.length).set(bytes);
    this.core.hostWrote(pa, BigInt(bytes.length));
  }
  /** Zero-fills [pa, pa + len). */
  zeroPhys(pa: bigint, len: number): void {
    new Uint8Array(this.core.memory.buffer, this.ramOffset(pa, len), len).fill(0);
    this.core.hostWrote(pa, BigInt(len));
  }
  /** The little-endian 64-bit word of RAM at `pa`. */
  read64(pa: bigint): bigint { return this.bytes.getBigUint64(this.ramOffset(pa, 8), true); }
  /** Writes a little-endian 64-bit word of RAM at `pa`. */
  write64(pa: bigint, v: bigint): void {
    this.bytes.setBigUint64(this.ramOffset(pa, 8), BigInt.asUintN(64, v), true);
    this.core.hostWrote(pa, 8n);
  }

  // --- dirty logging and not-present pages (live migration) ---
  /**
   * Turns dirty logging of RAM on (every page armed, the bitmap cleared) or off (the bits logged
   * so far stay until read). While it is on, every write to a page — the hart's stores, AMOs and
   * SCs, the walker's A/D updates, HTIF, and the host's writes through this class — sets its bit.
   */
  set dirtyLogging(on: boolean) { this.core.setDirtyLogging(on ? 1 : 0); }
  get dirtyLogging(): boolean { return this.word('dirtyLogging') !== 0n; }
  /**
   * Takes the dirty bits and clears them (atomically: between two runs), re-arming the pages taken
   * when logging is on. Bit i (word i >> 5, bit i & 31) is RAM page i, at RAM_BASE + 4096 i.
   */
  readAndClearDirty(): Uint32Array {
    this.core.readAndClearDirty();
    return new Uint32Array(this.core.memory.buffer, REGIONS.DIRTY_COPY.base, Math.ceil(this.ramBytes / 4096 / 64) * 2).slice();
  }
  /**
   * Marks `pages` RAM pages from physical address `pa` (page-aligned) not present (`absent`) or
   * present again. An access to a page not present exits with reason 'not-present' and the page's
   * address, without touching it; host writes reach it as usual (write the page, then mark it present).
   */
  setAbsent(pa: bigint, pages: number, absent: boolean): void {
    if ((pa & 0xfffn) !== 0n) throw new MachineError(`physical address 0x${pa.toString(16)} is not page-aligned`);
    this.ramOffset(pa, pages * 4096);
    this.core.setPagesAbsent(Number((pa - RAM_BASE) / 4096n), pages, absent ? 1 : 0, 1);
  }
  /** Marks RAM pages (by index from RAM_BASE) not present, at once: cheaper than one setAbsent each. */
  setAbsentPages(pages: ArrayLike<number>): void {
    for (let i = 0; i < pages.length; i++) this.checkPage(pages[i]);
    for (let i = 0; i < pages.length; i++) this.core.setPagesAbsent(pages[i], 1, 1, 0);
    if (pages.length) this.core.dropCachedRam();
  }
  /** RAM pages not present now. */
  get absentPages(): number { return this.core.pagesAbsent(); }
  // Page-granular access by page index (from RAM_BASE): what migration moves, without BigInt.
  private ramView?: Uint8Array;
  private get ram(): Uint8Array {
    const buf = this.core.memory.buffer;
    if (this.ramView?.buffer !== buf) this.ramView = new Uint8Array(buf, this.core.ramBase(), this.ramBytes);
    return this.ramView;
  }
  private checkPage(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.ramBytes / 4096) throw new MachineError(`page ${i} is outside RAM (${this.ramBytes / 4096} pages)`);
    return i * 4096;
  }
  /** RAM page `i` as a view: valid until the machine runs or its memory is written again (copy it to keep it). */
  pageView(i: number): Uint8Array { const o = this.checkPage(i); return this.ram.subarray(o, o + 4096); }
  /** Writes the whole of RAM page `i` (4096 bytes): dirty-logged, decoded code dropped, and present from now on. */
  writePage(i: number, data: Uint8Array): void {
    const o = this.checkPage(i);
    if (data.length !== 4096) throw new MachineError(`a page is 4096 bytes, not ${data.length}`);
    this.ram.set(data, o);
    this.core.hostWrotePage(i);
  }
  /** Whether RAM page `i` is not present. */
  isPageAbsent(i: number): boolean { this.checkPage(i); return this.core.pageAbsentAt(i) !== 0; }
  /** Whether the RAM page of `pa` is not present. */
  isAbsent(pa: bigint): boolean { return this.core.pageAbsent(BigInt.asUintN(64, pa)) !== 0; }

  // --- console ---
  private ring(base: number): Uint32Array { return new Uint32Array(this.core.memory.buffer, base, 2); }
  /** Bytes the guest transmitted since the last call. */
  drainConsole(): Uint8Array {
    const base = this.core.uartTxBase();
    const r = this.ring(base);
    const n = (r[0] - r[1]) >>> 0;
    const data = new Uint8Array(this.core.memory.buffer, base + 8, RING_CAPACITY);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = data[(r[1] + i) % RING_CAPACITY];
    r[1] = r[0];
    return out;
  }
  /** Queues bytes for the guest's UART receiver; returns how many fit. */
  sendConsole(bytes: Uint8Array): number {
    const base = this.core.uartRxBase();
    const r = this.ring(base);
    const data = new Uint8Array(this.core.memory.buffer, base + 8, RING_CAPACITY);
    let n = 0;
    for (; n < bytes.length && ((r[0] - r[1]) >>> 0) < RING_CAPACITY; n++) {
      data[r[0] % RING_CAPACITY] = bytes[n];
      r[0] = (r[0] + 1) >>> 0;
    }
    return n;
  }

  // --- counters ---
  /** All counters, exact at the last exit. Arrays for per-mode, per-reason, per-type counters. */
  counters(): Record<string, bigint | bigint[]> {
    this.core.syncCounters();
    const s = this.state;
    const out: Record<string, bigint | bigint[]> = {};
    for (const f of COUNTER_FIELDS) {
      out[f.name] = f.count === 1 ? s[f.index] : Array.from(s.subarray(f.index, f.index + f.count));
    }
    return out;
  }

  // --- debug translation ---
  /** Side-effect-free walk of vaddr (type 0 read, 1 write, 2 fetch) at `priv` under the current satp (cause -2: a page-table page is not present). */
  translate(vaddr: bigint, type: 0 | 1 | 2 = 0, priv = 1): { ok: true; pa: bigint; refs: number; level: number; pte: bigint } | { ok: false; cause: number; refs: number } {
    const r = this.core.translateDebug(BigInt.asUintN(64, vaddr), type, priv);
    const refs = this.core.debugResultRefs();
    if (r === -1) return { ok: true, pa: BigInt.asUintN(64, this.core.debugResultPa()), refs, level: this.core.debugResultLevel(), pte: BigInt.asUintN(64, this.core.debugResultPte()) };
    return { ok: false, cause: r, refs };
  }

  /** The 32-bit instruction a compressed one expands to (0 when reserved). */
  expandCompressed(bits: number): number { return this.core.expandRvc(bits & 0xffff) >>> 0; }

  /**
   * Side-effect-free two-stage walk: `gva` under the guest's `vsatp` (Bare allowed) and the G-stage
   * `hgatp`, at guest privilege `priv` (0 VU, 1 VS). `refs` counts all references, `refsG` the
   * G-stage's. A guest-page fault reports the guest physical address and whether it was an implicit
   * access (a VS-stage PTE). With `asOnMiss` the walk acts as a TLB miss's walk would: A/D updates,
   * counters, and the walk caches (`configure({ walkCaches })`).
   */
  translateNested(gva: bigint, vsatp: bigint, hgatp: bigint, type: 0 | 1 | 2 = 0, priv = 1, asOnMiss = false):
    | { ok: true; pa: bigint; refs: number; refsG: number; level: number }
    | { ok: false; cause: number; refs: number; refsG: number; gpa: bigint; implicit: boolean } {
    const r = this.core.translateNestedDebug(BigInt.asUintN(64, gva), type, priv, BigInt.asUintN(64, vsatp), BigInt.asUintN(64, hgatp), asOnMiss ? 1 : 0);
    const refs = this.core.debugResultRefs(), refsG = this.core.debugResultRefsG();
    if (r === -1) return { ok: true, pa: BigInt.asUintN(64, this.core.debugResultPa()), refs, refsG, level: this.core.debugResultLevel() };
    return { ok: false, cause: r, refs, refsG, gpa: BigInt.asUintN(64, this.core.debugFaultGpa()), implicit: this.core.debugFaultImplicit() !== 0 };
  }

  // --- hart state words (for experiments that run one instruction from many states) ---
  /** A copy of the hart's state words (registers, CSRs, devices, configuration, counters), without RAM. */
  hartState(): BigUint64Array {
    const copy = new BigUint64Array(STATE_WORDS);
    copy.set(this.state); // (slice() of a view into the large Wasm buffer is several times slower)
    return copy;
  }
  /**
   * Replaces the hart's state words with a copy taken by hartState() (of any machine) and empties
   * the TLBs, which may hold translations of another state. RAM and decoded code are kept:
   * unlike restore(), this costs no copy of memory.
   */
  loadHartState(words: BigUint64Array): void {
    if (words.length !== STATE_WORDS) throw new MachineError(`hart state has ${words.length} words, expected ${STATE_WORDS}`);
    this.core.flushTlb();
    this.state.set(words);
    this.core.stateChanged();
  }

  // --- snapshot ---
  /** A copy of the whole machine state. */
  snapshot(): Snapshot {
    return { version: SNAPSHOT_VERSION, ramBytes: this.ramBytes, ...this.snapshotRegions(), ram: this.readPhys(RAM_BASE, this.ramBytes) };
  }
  /** The hart's and the devices' state (registers, CSRs, device registers, console rings), without RAM. */
  saveHart(): HartState {
    const s = this.snapshotRegions();
    return { version: SNAPSHOT_VERSION, state: s.state, rings: s.rings };
  }
  /**
   * Loads another machine's hart and device state (saveHart), keeping this machine's RAM, its dirty
   * logging and its not-present pages. Checked whole before anything changes.
   */
  restoreHart(h: HartState): void {
    if (h.version !== SNAPSHOT_VERSION) throw new MachineError(`hart state version ${h.version}, expected ${SNAPSHOT_VERSION}`);
    if (h.state.length !== STATE_WORDS) throw new MachineError(`hart state has ${h.state.length} words, expected ${STATE_WORDS}`);
    const ringBytes = REGIONS.UART_TX.size + REGIONS.UART_RX.size;
    if (h.rings.length !== ringBytes) throw new MachineError(`hart state console rings have ${h.rings.length} bytes, expected ${ringBytes}`);
    if (h.state[STATE.ramSize.index] !== BigInt(this.ramBytes)) throw new MachineError(`hart state is of a machine with ${h.state[STATE.ramSize.index]} bytes of RAM, this one has ${this.ramBytes}`);
    const logging = this.word('dirtyLogging');
    this.state.set(h.state);
    this.setWord('dirtyLogging', logging);
    new Uint8Array(this.core.memory.buffer, REGIONS.UART_TX.base, ringBytes).set(h.rings);
    this.core.flushCaches();
  }
  private snapshotRegions(): { state: BigUint64Array; rings: Uint8Array } {
    const mem = this.core.memory.buffer;
    return { state: this.state.slice(), rings: new Uint8Array(mem, REGIONS.UART_TX.base, REGIONS.UART_TX.size + REGIONS.UART_RX.size).slice() };
  }
  /** The clock words (CLOCK_FIELDS), between runs. */
  clockWords(): bigint[] { return CLOCK_FIELDS.map((f) => this.word(f)); }
  /** Sets the clock words from another machine's clockWords: this machine's time and counters go on from there. */
  setClockWords(words: readonly bigint[]): void {
    if (words.length !== CLOCK_FIELDS.length) throw new MachineError(`${words.length} clock words, expected ${CLOCK_FIELDS.length}`);
    CLOCK_FIELDS.forEach((f, i) => this.setWord(f, words[i]));
    if (this.word('cyclesPerTick') === 0n) this.setWord('cyclesPerTick', 10n);
    this.core.stateChanged();
  }

  /**
   * Replaces this machine's state with a snapshot of a machine of the same RAM size. The RAM is
   * all there afterwards (no page is left not present); this machine's dirty logging stays as it
   * was, and with it on every page counts as written.
   */
  restore(snap: Snapshot): void {
    if (snap.version !== SNAPSHOT_VERSION) throw new MachineError(`snapshot version ${snap.version}, expected ${SNAPSHOT_VERSION}`);
    if (snap.ramBytes !== this.ramBytes || snap.ram.length !== this.ramBytes) throw new MachineError(`snapshot has ${snap.ramBytes} bytes of RAM, this machine ${this.ramBytes}`);
    if (snap.state.length !== STATE_WORDS) throw new MachineError(`snapshot state has ${snap.state.length} words, expected ${STATE_WORDS}`);
    const ringBytes = REGIONS.UART_TX.size + REGIONS.UART_RX.size;
    if (snap.rings.length !== ringBytes) throw new MachineError(`snapshot console rings have ${snap.rings.length} bytes, expected ${ringBytes}`);
    const mem = this.core.memory.buffer;
    const logging = this.word('dirtyLogging');
    this.state.set(snap.state);
    this.setWord('dirtyLogging', logging);
    new Uint8Array(mem, REGIONS.UART_TX.base, snap.rings.length).set(snap.rings);
    new Uint8Array(mem, this.core.ramBase(), this.ramBytes).set(snap.ram);
    this.core.setPagesAbsent(0, this.ramBytes / 4096, 0, 0);
    this.core.flushCaches();
    this.core.hostWrote(RAM_BASE, BigInt(this.ramBytes));
  }
}
