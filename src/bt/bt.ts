/**
 * `bt`: full virtualization by binary translation, as VMware's VMM did it on IA-32. The guest
 * kernel is deprivileged to U like under trap-and-emulate, with shadow page tables and ring
 * compression, but its code never runs from guest memory: the VMM translates it lazily, one unit
 * at a time, into a translation cache mapped (executable, and only there) in the kernel's shadow.
 * Guest user code runs directly. Sensitive instructions in kernel code are translated into
 * in-cache emulation on the virtual-CPU page or into callouts (an ECALL the VMM handles), so the
 * critical profile cannot reach them. Traps in translated code reach the guest with guest pcs;
 * writes to translated code invalidate it; store sites that keep faulting on shadowed page
 * tables are retranslated into callouts (adaptive binary translation).
 */
import { emulateMmio, isDevice } from '../vmm/mmio.js';
import type { ExitRecord } from '../../bindings/exit.js';
import type { LoadedImage } from '../loader/index.js';
import { CSR, CAUSE, IRQ, SSTATUS } from '../vmm/csr.js';
import { expireTimer } from '../vmm/sbi.js';
import { ShadowPaging } from '../vmm/shadow-paging.js';
import { floodWrites } from '../vmm/strategy-params.js';
import { READ, WRITE, FETCH, type AccessType, type GuestContext } from '../vmm/guest-walk.js';
import { VirtualCpu } from '../vmm/vcpu.js';
import { RESUME, kernelEntry, insnLength, type ExitAction, type Strategy, type StrategyContext } from '../vmm/strategy.js';
import type { Vm } from '../vmm/vm.js';
import { emulateGuestStore } from '../vmm/guest-store.js';
import { HartContext, switchIn, switchOut, deprivilegedControls } from '../vmm/world-switch.js';
import { unexpected } from '../vmm/strategies/vs-hart.js';
import { RESERVED_BASE } from './layout.js';
import { VcpuPage } from './vcpu-page.js';
import { TranslationCache, type Unit } from './cache.js';
import { GuestCode } from './guest-code.js';
import { AdaptiveSites, type AdaptiveOptions } from './adaptive.js';
import { BtStats } from './stats.js';
import { translate } from './translator.js';
import { decodeGuest } from './decode.js';
import { performAccess } from './guest-access.js';
import { Callouts } from './callouts.js';
import type { BtCore, Guest } from './guest.js';
import { GuestPageAbsent } from '../vmm/p2m.js';
import type { Migratable, StateRecord, StateReader } from '../vmm/migratable.js';
import { MigrationStateError } from '../vmm/state-reader.js';
import { hartContextState, hartContextFrom } from '../vmm/hart-context-state.js';

const STIP = 1n << 5n;
/** Nested instruction faults while entering the guest kernel's trap vector before the VM is stopped. */
const MAX_NESTED_FAULTS = 8;
/** Instructions stepped at most to reach a guest-instruction boundary. */
const MAX_STEPS = 64;

export interface BtOptions {
  adaptive?: AdaptiveOptions;
  /**
   * Count the in-TC emulations executed (a counter in the vCPU page), at five instructions more
   * each; off by default, so that the instruction counts are those of the translation alone.
   */
  countEmulations?: boolean;
}


export class BinaryTranslation implements Strategy, BtCore, Migratable {
  readonly name = 'bt' as const;
  private readonly guests = new Map<number, Guest>();
  private readonly callouts = new Callouts(this);
  constructor(private readonly ctx: StrategyContext, private readonly options: BtOptions = {}) {}
  get machine(): StrategyContext['machine'] { return this.ctx.machine; }

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    this.adopt(vm, new VirtualCpu(), new HartContext([], 0n, 0, false), kernelEntry(image));
  }

  /**
   * The VM's translation machinery over this host's frames, empty: the virtual-CPU page, the
   * translation cache, the kernel shadows. At boot, or for a VM migrated in (whose kernel code is
   * translated again here, as it runs: nothing of the source's cache is carried).
   */
  private adopt(vm: Vm, vcpu: VirtualCpu, hart: HartContext, startAt: bigint | undefined): void {
    const { machine: m, host } = this.ctx;
    const stats = new BtStats();
    const page = new VcpuPage(m, vm.vmm.alloc());
    const cache = new TranslationCache(m, vm.vmm, page, stats);
    const shadow = new ShadowPaging(m, host, vm, 'compress', floodWrites(this.ctx.params));
    shadow.translateKernel({ reservedBase: RESERVED_BASE, install: (root) => cache.install(root) });
    const g: Guest = {
      vcpu, shadow, page, cache, code: new GuestCode(vm.p2m, vm.stats), sites: new AdaptiveSites(this.options.adaptive),
      stats, hart, hartCsrs: new Map(), startAt,
    };
    shadow.onReset = () => { g.hartCsrs.clear(); this.applyRing(g); };
    this.guests.set(vm.id, g);
    vm.onDestroy(() => this.guests.delete(vm.id));
  }

  /**
   * A stopped VM whose hart is inside an emulation sequence (scratch registers in use, t6 not yet
   * restored) is stepped to the next guest-instruction boundary, where the hart's registers are
   * exactly the guest's: only there does its state make sense without this host's translation
   * cache. It may write guest memory (the instructions it steps), so the migration calls it before
   * its last look at the dirty log.
   */
  quiesceVm(vm: Vm): void {
    const g = this.guest(vm);
    if (g.vcpu.mode !== 'S' || g.startAt !== undefined || g.cache.guestPcAt(g.hart.pc)?.boundary) return;
    this.enter(vm);
    let reached: bigint | ExitAction;
    try {
      g.page.pull(g.vcpu);
      reached = this.stepToBoundary(vm, g);
      g.page.push(g.vcpu);
    } finally {
      this.leave(vm);
    }
    if (typeof reached !== 'bigint') throw new Error(`bt: the VM cannot be stopped at an instruction boundary: ${reached.kind === 'crash' ? reached.why : reached.kind}`);
  }

  /**
   * What the guest can see: its registers and pc (a guest pc: in virtual S the hart's pc is a
   * translated one, given back as the guest instruction it begins) and the virtual CPU. The
   * translation cache, the adaptive sites and the shadows are this host's and are rebuilt.
   */
  saveVm(vm: Vm): StateRecord {
    const g = this.guest(vm);
    const hart = hartContextState(g.hart);
    if (g.startAt !== undefined) hart.pc = g.startAt;
    else if (g.vcpu.mode === 'S') {
      const at = g.cache.guestPcAt(g.hart.pc);
      if (!at?.boundary) throw new Error(`bt: the hart is at 0x${g.hart.pc.toString(16)}, not at a guest-instruction boundary (quiesceVm first)`);
      hart.pc = at.guestPc;
    }
    return { hart, vcpu: g.vcpu.save() };
  }
  restoreVm(vm: Vm, state: StateReader): void {
    const hart = hartContextFrom(state.record('hart'), [], [[0, false]]);
    const vcpu = VirtualCpu.from(state.record('vcpu'));
    if (vcpu.mode === 'S' && hart.pc >= RESERVED_BASE) throw new MigrationStateError(`${state.what}: kernel pc 0x${hart.pc.toString(16)} is in the VMM's region`);
    // In virtual S the guest pc is entered through a translation made here at the first world switch.
    this.adopt(vm, vcpu, hart, vcpu.mode === 'S' ? hart.pc : undefined);
  }

  /** Binary translation's own counters for a VM. */
  details(vm: Vm): [string, number][] {
    const g = this.guest(vm);
    const rows = g.stats.rows();
    if (this.options.countEmulations) rows.push(['in-TC emulations executed (counted: 5 instructions each)', Number(g.page.read('emulations'))]);
    return rows;
  }
  /** The counters themselves. */
  statsOf(vm: Vm): BtStats { return this.guest(vm).stats; }

  /** The live translation of guest kernel pc `guestPc` (for inspection): its guest pcs, the guest-physical pages it was read from. */
  translationOf(vm: Vm, guestPc: bigint): { guestPcs: bigint[]; pages: bigint[]; entry: bigint } | undefined {
    const u = this.guest(vm).cache.peek(guestPc);
    return u && { guestPcs: [...u.guestPcs], pages: [...u.pages], entry: u.entry };
  }

  enter(vm: Vm): void {
    const g = this.guest(vm);
    g.hartCsrs.clear();
    switchIn(this.ctx.machine, vm, deprivilegedControls(g.shadow.satpFor(g.vcpu.satp, g.vcpu.mode)), g.hart);
    this.applyRing(g);
    g.page.push(g.vcpu);
    if (g.startAt !== undefined) { const at = g.startAt; g.startAt = undefined; this.enterKernel(vm, g, at); }
  }

  leave(vm: Vm): void {
    const m = this.ctx.machine, g = this.guest(vm);
    g.page.pull(g.vcpu);
    switchOut(m, g.hart);
    // What applyRing mirrored of the virtual CPU for user code is this VM's: no other VM may read it.
    m.writeCsr(CSR.sstatus, 0n);
    m.writeCsr(CSR.stvec, 0n);
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const g = this.guest(vm);
    if (g.vcpu.mode === 'S') g.page.pull(g.vcpu); // only translated code writes the page, and it only runs in virtual S
    const action = this.dispatch(vm, g, exit);
    g.page.push(g.vcpu);
    return action;
  }

  private guest(vm: Vm): Guest {
    const g = this.guests.get(vm.id);
    if (!g) throw new Error(`VM ${vm.id} was not booted under bt`);
    return g;
  }

  private dispatch(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) return this.timer(vm, g);
    if (exit.reason !== 'trap') return unexpected(vm, exit);
    return g.vcpu.mode === 'U' ? this.userTrap(vm, g, exit) : this.kernelTrap(vm, g, exit);
  }

  // --- the guest's user code, running directly ---

  private userTrap(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    switch (exit.cause) {
      case CAUSE.ecallU: return this.reflect(vm, g, 'syscall', CAUSE.ecallU, 0n, exit.pc);
      case CAUSE.fetchPage: return this.shadowFault(vm, g, exit, FETCH, exit.pc);
      case CAUSE.loadPage: return this.shadowFault(vm, g, exit, READ, exit.pc);
      case CAUSE.storePage: return this.shadowFault(vm, g, exit, WRITE, exit.pc);
      default: return this.reflect(vm, g, 'guest-fault', exit.cause!, exit.cause === CAUSE.illegal ? BigInt(exit.insn) : exit.tval ?? 0n, exit.pc);
    }
  }

  // --- translated kernel code ---

  private kernelTrap(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    if (exit.cause === CAUSE.fetchPage && exit.pc < RESERVED_BASE) {
      // The hart was sent to a guest pc whose code had not arrived (enterKernel, post-copy): it is
      // translated now, before anything changes, or GuestPageAbsent makes the runner wait for it.
      if (!g.cache.peek(exit.pc)) this.translateAt(vm, g, exit.pc);
      return this.enterKernel(vm, g, exit.pc);
    }
    const at = g.cache.guestPcAt(exit.pc);
    if (!at) return { kind: 'crash', why: `exception ${exit.cause} at 0x${exit.pc.toString(16)}, outside any translation` };
    switch (exit.cause) {
      case CAUSE.ecallU: {
        const site = g.cache.site(exit.pc);
        if (!site) return { kind: 'crash', why: `an ECALL at 0x${exit.pc.toString(16)} that is no callout` };
        return this.callouts.handle(vm, g, exit, site);
      }
      case CAUSE.loadPage: return this.shadowFault(vm, g, exit, READ, at.guestPc, at.guestNext, at.unit);
      case CAUSE.storePage: return this.shadowFault(vm, g, exit, WRITE, at.guestPc, at.guestNext, at.unit);
      case CAUSE.illegal: return { kind: 'crash', why: `an illegal instruction in the translation cache at 0x${exit.pc.toString(16)}` };
      case CAUSE.breakpoint: return this.reflect(vm, g, 'guest-fault', CAUSE.breakpoint, at.guestPc, at.guestPc);
      default: return this.reflect(vm, g, 'guest-fault', exit.cause!, exit.tval ?? 0n, at.guestPc);
    }
  }

  /**
   * A page fault of the hart in the guest's shadow (user code, or translated kernel code at guest
   * pc `guestPc`): a shadow fill, the guest's own fault, a write to a page table or to translated
   * code, or (kernel only) an access to the VMM's region.
   */
  private shadowFault(vm: Vm, g: Guest, exit: ExitRecord, type: AccessType, guestPc: bigint, guestNext?: bigint, unit?: Unit): ExitAction {
    const m = this.ctx.machine, v = g.vcpu, tval = exit.tval!;
    const ctx = this.guestCtx(g);
    const r = g.shadow.translatedFault(ctx, v.mode, tval, type);
    switch (r.kind) {
      case 'filled': vm.stats.exit('hidden-fault'); return RESUME;
      case 'guest': return this.reflect(vm, g, 'guest-fault', r.cause, tval, guestPc);
      case 'unmapped': // an emulated device's register (the load or store runs unchanged in the cache), or nothing there
        if (type !== FETCH && isDevice(vm, r.gpa)) return emulateMmio(m, vm, exit, r.gpa);
        return this.reflect(vm, g, 'guest-fault', r.cause, tval, guestPc);
      case 'pt-write': {
        const verdict = unit === undefined ? 'trap' : g.sites.trapped(guestPc);
        let faulted = false; // the store's other part may fault: the guest's exception, nothing more to do here
        const action = emulateGuestStore(m, vm, g.shadow, exit, ctx, (cause, fault) => { faulted = true; return this.reflect(vm, g, 'guest-fault', cause, fault, guestPc); }, { va: tval, gpa: r.gpa });
        if (faulted || action.kind !== 'resume') return action;
        this.codeWritten(g, r.gpa);
        if (unit && !unit.live) return this.enterKernel(vm, g, guestNext!);
        if (verdict === 'untrace') { g.shadow.stopTracing(r.gpa); g.stats.untraced++; }
        if (verdict !== 'callout') return action;
        g.stats.adaptedSites++;
        return this.retranslate(vm, g, unit!, guestNext!);
      }
      case 'code-write': {
        vm.stats.exit('code-write');
        const insn = decodeGuest(exit.insn, (c) => m.expandCompressed(c));
        const done = this.access(vm, g, insn, tval, guestPc);
        if (done) return done;
        return unit && !unit.live ? this.enterKernel(vm, g, guestNext!) : (m.pc = exit.pc + insnLength(exit.insn), RESUME);
      }
      case 'reserved': {
        vm.stats.exit('reserved-access');
        g.stats.reservedAccesses++;
        const done = this.access(vm, g, decodeGuest(exit.insn, (c) => m.expandCompressed(c)), tval, guestPc);
        if (done) return done;
        m.pc = exit.pc + 4n;
        return RESUME;
      }
    }
  }

  /** Performs a guest kernel's (or user's) access at va for it; undefined when done, else the action (its fault reflected). */
  /** @internal (BtCore) */
  access(vm: Vm, g: Guest, insn: ReturnType<typeof decodeGuest>, va: bigint, guestPc: bigint): ExitAction | undefined {
    const refs = { n: 0 };
    vm.stats.emulated++;
    const r = performAccess(this.ctx.machine, vm.p2m, this.guestCtx(g), insn, va, (gpa, size, value) => this.store(vm, g, gpa, size, value), refs);
    vm.stats.guestWalkRefs += refs.n;
    return r.ok ? undefined : this.reflect(vm, g, 'guest-fault', r.cause, r.tval, guestPc);
  }

  /** A store the VMM makes for the guest: through the shadows if it hits a page table, and translations of the page dropped. Returns whether it hit a page table. */
  /** @internal (BtCore) */
  store(vm: Vm, g: Guest, gpa: bigint, size: number, value: bigint): boolean {
    const pt = g.shadow.isPageTable(gpa);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    if (pt) g.shadow.emulatePtWrite(gpa, bytes);
    else vm.p2m.write(gpa, bytes);
    this.codeWritten(g, gpa);
    return pt;
  }

  /** Guest-physical memory at gpa was written: translations of its page are gone, and unwatched when none is left. */
  private codeWritten(g: Guest, gpa: bigint): void {
    const page = gpa & ~0xfffn;
    if (!g.cache.holds(page)) return;
    g.cache.invalidatePage(page);
    if (!g.cache.holds(page)) g.shadow.unwatchCode(page);
  }

  /** Drops a unit so that it is translated again with the sites' new policy; the guest goes on at guest pc `next`. */
  /** @internal (BtCore) */
  retranslate(vm: Vm, g: Guest, unit: Unit, next: bigint): ExitAction {
    g.cache.drop(unit);
    g.stats.retranslations++;
    return this.enterKernel(vm, g, next);
  }

  // --- entering and leaving the guest kernel ---

  /** The hart goes on at guest kernel pc `pc`, in its translation (translated now if need be). */
  /** @internal (BtCore) */
  enterKernel(vm: Vm, g: Guest, pc: bigint): ExitAction {
    let at = pc;
    for (let nested = 0; nested < MAX_NESTED_FAULTS; nested++) {
      let u;
      try {
        u = g.cache.lookup(at) ?? this.translateAt(vm, g, at);
      } catch (e) {
        // The code's page has not arrived (post-copy), and the virtual CPU may already have taken
        // a trap: the hart goes to the guest pc itself, which no kernel shadow maps executable, so
        // its fetch fault exits, and there the runner waits for the page before translating it.
        if (!(e instanceof GuestPageAbsent)) throw e;
        this.ctx.machine.pc = at;
        return RESUME;
      }
      if (!('cause' in u)) { this.ctx.machine.pc = u.body; return RESUME; }
      // The guest's own instruction fault: it enters its trap handler, which is translated in turn.
      vm.stats.exit('guest-fault');
      vm.stats.reflected++;
      at = g.vcpu.trap(BigInt(u.cause), u.tval, at, false);
    }
    return { kind: 'crash', why: `${MAX_NESTED_FAULTS} nested instruction faults entering the guest kernel at 0x${at.toString(16)}` };
  }

  /** @internal (BtCore) */
  translateAt(vm: Vm, g: Guest, pc: bigint): Unit | { cause: number; tval: bigint } {
    const pages = new Set<bigint>(), vaPages = new Set<bigint>();
    const t = translate(pc, g.code.fetcher(this.guestCtx(g), pages, vaPages), (c) => this.ctx.machine.expandCompressed(c), g.sites.policy,
      this.options.countEmulations);
    if (!t.ok) return { cause: t.cause, tval: t.tval };
    const u = g.cache.add(t.unit, [...pages], [...vaPages]);
    for (const p of pages) g.shadow.watchCode(p);
    vm.stats.translated += t.unit.instructions;
    return u;
  }

  /** The guest takes a trap in its kernel: the trap frame in the virtual CPU, the handler entered through its translation. */
  /** @internal (BtCore) */
  reflect(vm: Vm, g: Guest, kind: string, cause: number, tval: bigint, guestPc: bigint): ExitAction {
    vm.stats.exit(kind);
    vm.stats.reflected++;
    const handler = g.vcpu.trap(BigInt(cause), tval, guestPc, false);
    this.ctx.machine.clearReservation(); // as the hart's own trap would
    this.applyRing(g);
    return this.enterKernel(vm, g, handler);
  }

  private timer(vm: Vm, g: Guest): ExitAction {
    expireTimer(this.ctx.machine, vm);
    g.vcpu.sip |= STIP;
    return this.deliver(vm, g);
  }

  /** Takes a virtual interrupt that has become deliverable, at a guest-instruction boundary. */
  /** @internal (BtCore) */
  deliver(vm: Vm, g: Guest): ExitAction {
    const m = this.ctx.machine, v = g.vcpu;
    if (v.pendingInterrupt() === undefined) return RESUME;
    let guestPc = m.pc;
    if (v.mode === 'S') {
      const reached = this.stepToBoundary(vm, g);
      if (typeof reached !== 'bigint') return reached;
      guestPc = reached;
    }
    const irq = v.pendingInterrupt();
    if (irq === undefined) return RESUME;
    vm.stats.reflected++;
    const handler = v.trap(BigInt(irq), 0n, guestPc, true);
    m.clearReservation();
    this.applyRing(g);
    return this.enterKernel(vm, g, handler);
  }

  /** Runs the hart instruction by instruction until its pc is where a guest instruction's translation begins; returns that guest pc. */
  private stepToBoundary(vm: Vm, g: Guest): bigint | ExitAction {
    const m = this.ctx.machine;
    for (let i = 0; i < MAX_STEPS; i++) {
      const at = g.cache.guestPcAt(m.pc);
      if (!at) return { kind: 'crash', why: `the hart is at 0x${m.pc.toString(16)}, outside any translation` };
      if (at.boundary) return at.guestPc;
      const exit = m.run(1);
      if (exit.reason === 'budget') continue;
      g.page.pull(g.vcpu);
      const action = exit.reason === 'trap' ? this.kernelTrap(vm, g, exit) : unexpected(vm, exit);
      if (action.kind !== 'resume') return action;
      if (g.vcpu.mode !== 'S') return { kind: 'crash', why: 'left the kernel while stepping to an instruction boundary' };
    }
    return { kind: 'crash', why: `no instruction boundary within ${MAX_STEPS} instructions of translated code` };
  }

  /** The hart's satp (the shadow for the virtual mode) and what user code may see of the virtual CPU. */
  /** @internal (BtCore) */
  applyRing(g: Guest): void {
    const v = g.vcpu;
    this.setHartCsr(g, CSR.satp, g.shadow.satpFor(v.satp, v.mode));
    this.setHartCsr(g, CSR.scounteren, v.mode === 'S' ? 0xffff_ffffn : v.scounteren);
    if (v.mode === 'U') {
      // Under the critical profile user code reads sstatus and stvec without a trap: it sees the guest
      // kernel's (but MXR, which would change how the hart translates user loads).
      this.setHartCsr(g, CSR.sstatus, v.sstatus & ~SSTATUS.MXR);
      this.setHartCsr(g, CSR.stvec, v.stvec);
    }
  }

  /** Writes a hart CSR the VM's world owns, unless it already holds the value (a write of satp or sstatus costs a fast-TLB flush). */
  private setHartCsr(g: Guest, csr: number, value: bigint): void {
    if (g.hartCsrs.get(csr) === value) return;
    this.ctx.machine.writeCsr(csr, value);
    g.hartCsrs.set(csr, value);
  }

  /** @internal (BtCore) */
  guestCtx(g: Guest): GuestContext {
    const v = g.vcpu;
    return { satp: v.satp, userMode: v.mode === 'U', sum: v.sum, mxr: v.mxr };
  }
}
