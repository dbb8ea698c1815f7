/**
 * `trap-emulate`: classic trap-and-emulate. The guest kernel runs deprivileged in U-mode; every
 * privileged instruction and CSR access traps (an illegal-instruction exit) and is emulated against
 * a virtual CPU; system calls, the guest's own faults and its timer ticks are reflected into the
 * guest kernel by the VMM; the hart walks shadow page tables (separate shadows for the kernel's and
 * the user's view: ring compression), kept coherent by trapping writes to guest page tables.
 */
import type { ExitRecord } from '../../../bindings/exit.js';
import type { LoadedImage } from '../../loader/index.js';
import { CSR, CAUSE, IRQ } from '../csr.js';
import { decodePrivileged, csrNewValue } from '../decode.js';
import { serveSbi, expireTimer } from '../sbi.js';
import { ShadowPaging } from '../shadow-paging.js';
import { floodWrites } from '../strategy-params.js';
import { emulateGuestStore } from '../guest-store.js';
import { READ, WRITE, FETCH, type AccessType, type GuestContext } from '../guest-walk.js';
import { VirtualCpu } from '../vcpu.js';
import { HartContext, switchIn, switchOut, deprivilegedControls } from '../world-switch.js';
import { RESUME, IDLE, insnLength, kernelEntry, type ExitAction, type Strategy, type StrategyContext } from '../strategy.js';
import type { Vm } from '../vm.js';
import { unexpected } from './vs-hart.js';
import { emulateMmio, isDevice } from '../mmio.js';
import type { Migratable, StateRecord, StateReader } from '../migratable.js';
import { hartContextState, hartContextFrom } from '../hart-context-state.js';

const STIP = 1n << 5n;

/** The guest's hart context: it runs in U at V=0 and owns no hart CSR (every access traps). */
interface Guest { vcpu: VirtualCpu; shadow: ShadowPaging; hart: HartContext }

export class TrapEmulate implements Strategy, Migratable {
  readonly name = 'trap-emulate' as const;
  private readonly guests = new Map<number, Guest>();
  constructor(private readonly ctx: StrategyContext) {}

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    this.adopt(vm, new VirtualCpu(), new HartContext([], kernelEntry(image), 0, false));
  }

  /** The VM's shadows (empty, ring-compressed) over this host's frames: at boot, or for a VM migrated in. */
  private adopt(vm: Vm, vcpu: VirtualCpu, hart: HartContext): void {
    const g: Guest = { vcpu, shadow: new ShadowPaging(this.ctx.machine, this.ctx.host, vm, 'compress', floodWrites(this.ctx.params)), hart };
    g.shadow.onReset = () => this.applyRing(g);
    this.guests.set(vm.id, g);
    vm.onDestroy(() => this.guests.delete(vm.id));
  }

  /** The hart context (registers, pc: the guest runs in U) and the virtual CPU. */
  saveVm(vm: Vm): StateRecord {
    const g = this.guest(vm);
    return { hart: hartContextState(g.hart), vcpu: g.vcpu.save() };
  }
  restoreVm(vm: Vm, state: StateReader): void {
    const hart = hartContextFrom(state.record('hart'), [], [[0, false]]);
    this.adopt(vm, VirtualCpu.from(state.record('vcpu')), hart);
  }

  enter(vm: Vm): void {
    const g = this.guest(vm);
    switchIn(this.ctx.machine, vm, deprivilegedControls(g.shadow.satpFor(g.vcpu.satp, g.vcpu.mode)), g.hart);
  }

  leave(vm: Vm): void { switchOut(this.ctx.machine, this.guest(vm).hart); }

  private guest(vm: Vm): Guest {
    const g = this.guests.get(vm.id);
    if (!g) throw new Error(`VM ${vm.id} was not booted under ${this.name}`);
    return g;
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const g = this.guest(vm);
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) return this.timer(vm, g);
    if (exit.reason !== 'trap') return unexpected(vm, exit);
    switch (exit.cause) {
      case CAUSE.illegal:
        if (g.vcpu.mode === 'S') return this.privileged(vm, g, exit);
        return this.reflect(vm, g, exit, 'guest-fault');
      case CAUSE.ecallU:
        if (g.vcpu.mode === 'S') return this.sbi(vm, g, exit);
        return this.reflect(vm, g, exit, 'syscall');
      case CAUSE.fetchPage: return this.pageFault(vm, g, exit, FETCH);
      case CAUSE.loadPage: return this.pageFault(vm, g, exit, READ);
      case CAUSE.storePage: return this.pageFault(vm, g, exit, WRITE);
      default:
        return this.reflect(vm, g, exit, 'guest-fault');
    }
  }

  /** The hart's satp: the shadow of the guest's satp for the current virtual mode. */
  private applyRing(g: Guest): void {
    this.ctx.machine.writeCsr(CSR.satp, g.shadow.satpFor(g.vcpu.satp, g.vcpu.mode));
  }

  /** A privileged instruction of the guest kernel: emulated against the virtual CPU. */
  private privileged(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine, v = g.vcpu;
    const insn = decodePrivileged(exit.insn);
    const next = exit.pc + insnLength(exit.insn);
    vm.stats.emulated++;
    switch (insn.kind) {
      case 'csr': {
        const old = v.readCsr(insn.csr);
        if (old === undefined) return this.reflect(vm, g, exit, 'guest-fault');
        const value = csrNewValue(insn, old, (i) => m.getReg(i));
        if (value !== undefined) v.writeCsr(insn.csr, value);
        if (insn.rd !== 0) m.setReg(insn.rd, old);
        m.pc = next;
        vm.stats.exit(insn.csr === CSR.satp ? 'satp' : 'csr');
        if (insn.csr === CSR.satp && value !== undefined) this.applyRing(g);
        return this.deliver(vm, g);
      }
      case 'sret':
        vm.stats.exit('sret');
        m.pc = v.sret();
        this.applyRing(g);
        return this.deliver(vm, g);
      case 'wfi': vm.stats.exit('wfi'); m.pc = next; return (v.sip & v.sie) !== 0n ? RESUME : IDLE; // WFI wakes on a pending, enabled interrupt even with SIE clear
      case 'sfence': vm.stats.exit('sfence'); m.pc = next; return RESUME; // the shadows are kept coherent by write protection
      default: return this.reflect(vm, g, exit, 'guest-fault');
    }
  }

  /** An SBI call from the guest kernel; its pending tick is the virtual sip.STIP. */
  private sbi(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    return serveSbi(this.ctx.machine, vm, exit, () => { g.vcpu.sip &= ~STIP; });
  }

  private timer(vm: Vm, g: Guest): ExitAction {
    expireTimer(this.ctx.machine, vm);
    g.vcpu.sip |= STIP;
    return this.deliver(vm, g);
  }

  private pageFault(vm: Vm, g: Guest, exit: ExitRecord, type: AccessType): ExitAction {
    const m = this.ctx.machine, v = g.vcpu;
    const ctx: GuestContext = { satp: v.satp, userMode: v.mode === 'U', sum: v.sum, mxr: v.mxr };
    const r = g.shadow.fault(ctx, v.mode, exit.tval ?? 0n, type);
    if (r.kind === 'filled') { vm.stats.exit('hidden-fault'); return RESUME; }
    if (r.kind === 'unmapped' && type !== FETCH && isDevice(vm, r.gpa)) return emulateMmio(m, vm, exit, r.gpa);
    if (r.kind === 'guest' || r.kind === 'unmapped') return this.reflect(vm, g, { ...exit, cause: r.cause }, 'guest-fault');
    return emulateGuestStore(m, vm, g.shadow, exit, ctx, (cause, tval) => this.reflect(vm, g, { ...exit, cause, tval }, 'guest-fault'), { va: exit.tval ?? 0n, gpa: r.gpa });
  }

  /** The guest takes a trap the VMM saw first: its kernel's handler runs in virtual S. */
  private reflect(vm: Vm, g: Guest, exit: ExitRecord, kind: string): ExitAction {
    vm.stats.exit(kind);
    vm.stats.reflected++;
    const tval = exit.cause === CAUSE.illegal ? BigInt(exit.insn) : exit.cause === CAUSE.ecallU ? 0n : exit.tval ?? 0n;
    this.ctx.machine.pc = g.vcpu.trap(BigInt(exit.cause ?? 0), tval, exit.pc, false);
    this.ctx.machine.clearReservation(); // as the hart's own trap would
    this.applyRing(g);
    return RESUME;
  }

  /** Takes a virtual interrupt that has become deliverable (after a tick, or a CSR write or SRET that enabled it). */
  private deliver(vm: Vm, g: Guest): ExitAction {
    const irq = g.vcpu.pendingInterrupt();
    if (irq === undefined) return RESUME;
    vm.stats.reflected++;
    const m = this.ctx.machine;
    m.pc = g.vcpu.trap(BigInt(irq), 0n, m.pc, true);
    m.clearReservation();
    this.applyRing(g);
    return RESUME;
  }
}
