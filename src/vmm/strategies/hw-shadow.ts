/**
 * `hw-shadow` (first-generation hardware assist): the guest kernel runs in VS and its processes in
 * VU, so system calls, its own exceptions and its interrupts need no VMM, but there is no G-stage:
 * the VS stage walks shadow page tables the VMM builds, with hstatus.VTVM making the guest's satp
 * accesses and SFENCE.VMA exit. Page faults exit too (they may be shadow fills), and so do writes
 * to the guest's page tables. Every VM runs with VMID 0 (hgatp is Bare, whose VMID must be zero):
 * the shadows' ASIDs, from the host's allocator, are what keeps VMs' translations apart.
 */
import type { ExitRecord } from '../../../bindings/exit.js';
import type { LoadedImage } from '../../loader/index.js';
import { CSR, CAUSE, IRQ, SSTATUS, bit } from '../csr.js';
import { decodePrivileged, csrNewValue } from '../decode.js';
import { ShadowPaging } from '../shadow-paging.js';
import { floodWrites } from '../strategy-params.js';
import { emulateGuestStore } from '../guest-store.js';
import { READ, WRITE, FETCH, type AccessType, type GuestContext } from '../guest-walk.js';
import type { HartContext } from '../world-switch.js';
import { RESUME, insnLength, kernelEntry, type ExitAction, type Strategy, type StrategyContext } from '../strategy.js';
import type { Vm } from '../vm.js';
import { emulateMmio, isDevice } from '../mmio.js';
import { vsContext, enterVs, leaveVs, handleSbi, handleTimer, handleWfi, injectIntoVs, reflectToVs, unexpected, GUEST_EXCEPTIONS, VS_MODES } from './vs-hart.js';
import { MigrationStateError, type Migratable, type StateRecord, type StateReader } from '../migratable.js';
import { hartContextState, hartContextFrom } from '../hart-context-state.js';
import { VS_GUEST_CSRS } from '../world-switch.js';

const PAGE_FAULTS = bit(CAUSE.fetchPage) | bit(CAUSE.loadPage) | bit(CAUSE.storePage);
const { SUM, MXR } = SSTATUS;

/** The guest's satp is virtual (the hart's vsatp holds a shadow of it). */
interface Guest { hart: HartContext; shadow: ShadowPaging; satp: bigint }

export class HwShadow implements Strategy, Migratable {
  readonly name = 'hw-shadow' as const;
  private readonly guests = new Map<number, Guest>();
  constructor(private readonly ctx: StrategyContext) {}

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    this.adopt(vm, vsContext(kernelEntry(image)), 0n);
  }

  /** The VM's shadows (empty: filled as it faults) over this host's frames: at boot, or for a VM migrated in. */
  private adopt(vm: Vm, hart: HartContext, satp: bigint): void {
    const g: Guest = { hart, shadow: new ShadowPaging(this.ctx.machine, this.ctx.host, vm, 'preserve', floodWrites(this.ctx.params)), satp };
    g.shadow.onReset = () => this.ctx.machine.writeCsr(CSR.vsatp, g.shadow.satpFor(g.satp, 'S'));
    this.guests.set(vm.id, g);
    vm.onDestroy(() => this.guests.delete(vm.id));
  }

  /**
   * The hart context and the guest's own satp. The context's vsatp is a shadow root of this host;
   * `enter` replaces it, and the destination refills its own shadows as the guest faults.
   */
  saveVm(vm: Vm): StateRecord {
    const g = this.guest(vm);
    return { hart: hartContextState(g.hart), satp: g.satp };
  }
  restoreVm(vm: Vm, state: StateReader): void {
    const hart = hartContextFrom(state.record('hart'), VS_GUEST_CSRS, VS_MODES);
    const satp = state.u64('satp');
    if (satp >> 60n !== 0n && satp >> 60n !== 8n) throw new MigrationStateError(`${state.what}: field satp has a mode the shadow walker does not know`);
    this.adopt(vm, hart, satp);
  }

  enter(vm: Vm): void {
    const m = this.ctx.machine, g = this.guest(vm);
    enterVs(m, vm, g.hart, { guestExceptions: GUEST_EXCEPTIONS & ~PAGE_FAULTS, trapVm: true, hgatp: 0n });
    m.writeCsr(CSR.vsatp, g.shadow.satpFor(g.satp, 'S'));
  }

  leave(vm: Vm): void { leaveVs(this.ctx.machine, this.guest(vm).hart); }

  private guest(vm: Vm): Guest {
    const g = this.guests.get(vm.id);
    if (!g) throw new Error(`VM ${vm.id} was not booted under ${this.name}`);
    return g;
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine, g = this.guest(vm);
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) return handleTimer(m, vm);
    if (exit.reason === 'wfi') return handleWfi(m, vm);
    if (exit.reason !== 'trap') return unexpected(vm, exit);
    switch (exit.cause) {
      case CAUSE.ecallVS: return handleSbi(m, vm, exit);
      case CAUSE.virtualInstruction: return this.virtualInstruction(vm, g, exit);
      case CAUSE.fetchPage: return this.pageFault(vm, g, exit, FETCH);
      case CAUSE.loadPage: return this.pageFault(vm, g, exit, READ);
      case CAUSE.storePage: return this.pageFault(vm, g, exit, WRITE);
      default: return reflectToVs(m, vm, exit) ?? unexpected(vm, exit);
    }
  }

  /** satp accesses and SFENCE.VMA (trapped by VTVM): the guest's satp is virtual, the hart's vsatp a shadow. */
  private virtualInstruction(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine;
    const insn = decodePrivileged(exit.insn);
    if (insn.kind === 'sfence') { vm.stats.emulated++; vm.stats.exit('sfence'); m.pc = exit.pc + 4n; return RESUME; }
    if (insn.kind !== 'csr' || insn.csr !== CSR.satp) return reflectToVs(m, vm, exit)!;
    vm.stats.emulated++;
    vm.stats.exit('satp');
    const old = g.satp;
    const v = csrNewValue(insn, old, (i) => m.getReg(i));
    if (v !== undefined) {
      if (v >> 60n === 0n || v >> 60n === 8n) g.satp = v; // the modes the shadow walker knows (Sv39)
      m.writeCsr(CSR.vsatp, g.shadow.satpFor(g.satp, 'S'));
    }
    if (insn.rd !== 0) m.setReg(insn.rd, old);
    m.pc = exit.pc + insnLength(exit.insn);
    return RESUME;
  }

  private pageFault(vm: Vm, g: Guest, exit: ExitRecord, type: AccessType): ExitAction {
    const m = this.ctx.machine;
    const vss = m.readCsr(CSR.vsstatus);
    const ctx: GuestContext = { satp: g.satp, userMode: m.priv === 0, sum: (vss & SUM) !== 0n, mxr: (vss & MXR) !== 0n };
    const inject = (cause: number, tval: bigint): ExitAction => {
      vm.stats.exit('guest-fault');
      vm.stats.reflected++;
      injectIntoVs(m, BigInt(cause), tval, exit.pc);
      return RESUME;
    };
    const r = g.shadow.fault(ctx, 'S', exit.tval ?? 0n, type);
    if (r.kind === 'filled') { vm.stats.exit('hidden-fault'); return RESUME; }
    if (r.kind === 'pt-write') return emulateGuestStore(m, vm, g.shadow, exit, ctx, inject, { va: exit.tval ?? 0n, gpa: r.gpa });
    if (r.kind === 'unmapped' && type !== FETCH && isDevice(vm, r.gpa)) return emulateMmio(m, vm, exit, r.gpa);
    return inject(r.cause, exit.tval ?? 0n);
  }
}
