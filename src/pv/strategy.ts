/**
 * `pv`: Xen-style paravirtualization without hardware assist. The PV kernel runs in S-mode,
 * deprivileged by mstatus: TVM makes satp accesses and SFENCE.VMA illegal (its tables change only
 * through mmu_update, its root only through MMUEXT_NEW_BASEPTR), TW makes WFI illegal (it blocks
 * with SCHEDOP_block). The hart always walks the guest's own validated tables. Once the kernel has
 * registered its trap handler (set_trap_table), U-mode system calls and the faults it handles are
 * delegated to it: they never leave the guest. ECALL from S is the hypercall (a7 = number, a0..a5
 * arguments, the result in a0). Event upcalls arrive as the S-mode software interrupt, raised by
 * the hypervisor (mip.SSIP) when an unmasked port of the guest goes pending; the guest clears it.
 */
import type { ExitRecord } from '../../bindings/exit.js';
import type { LoadedImage } from '../loader/index.js';
import { CSR, CAUSE, IRQ, bit, ALL_CAUSES, SSTATUS } from '../vmm/csr.js';
import { expireTimer } from '../vmm/sbi.js';
import { RESUME, IDLE, type ExitAction, type Strategy, type StrategyContext } from '../vmm/strategy.js';
import type { Vm } from '../vmm/vm.js';
import { Hypervisor } from './hypervisor.js';
import { buildDomain } from './builder.js';
import type { PvDomain } from './domain.js';
import { switchIn, switchOut } from '../vmm/world-switch.js';
import { HYPERCALL_NAMES, VIRQ } from './abi.js';
import { Backends } from './backends/backends.js';
import { BlockBackend } from './backends/block.js';
import { NetBackend } from './backends/net.js';
import type { VirtualSwitch } from '../net/switch.js';
import type { Migratable, StatePart, StateReader, StateRecord } from '../vmm/migratable.js';
import { MigrationStateError } from '../vmm/state-reader.js';
import { hartContextState, hartContextFrom } from '../vmm/hart-context-state.js';
import { GUEST_S_CSRS } from './domain.js';
import { saveDomain, restoreDomain } from './domain-state.js';
import { quiesceBackends, saveBackends, restoreBackends } from './backends/backends-state.js';

const MSTATUS_TVM = bit(20), MSTATUS_TW = bit(21);
/** The modes a PV vCPU runs in: its kernel in S, its processes in U (never V=1). */
const PV_MODES: [number, boolean][] = [[1, false], [0, false]];
const SSIP = bit(IRQ.ssi);
/** The traps a registered PV kernel takes itself: misaligned and access faults, breakpoint, ECALL from U, page faults. */
export const PV_DELEGATED = [0, 1, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | bit(c), 0n);
const HOST_INTERRUPTS = bit(IRQ.mti) | bit(IRQ.msi) | bit(IRQ.mei) | bit(IRQ.sti) | bit(IRQ.sei);

/** Options of the pv strategy (`vmlab compare --set pv.<key>=value`). */
export interface PvOptions {
  /** Appended to the kernel command line (start_info.cmd_line), e.g. "batch=1". */
  cmdline?: string;
  /** A switch every domain gets a vif on (the network split driver). */
  net?: VirtualSwitch;
  /** The guest's IPv4 address on that switch (the toolstack's vif `ip=`): what its vif announces after a migration. */
  ip?: string;
}

export class PvStrategy implements Strategy, Migratable {
  readonly name = 'pv' as const;
  readonly hv: Hypervisor;
  readonly backends: Backends;
  constructor(private readonly ctx: StrategyContext, private readonly options: PvOptions = {}) {
    this.hv = new Hypervisor(ctx.machine, ctx.host);
    this.backends = new Backends(this.hv);
    if (ctx.disk) this.backends.addDevice(new BlockBackend(this.backends, ctx.disk));
    if (options.net) this.backends.addDevice(new NetBackend(this.backends, options.net, options.ip));
  }

  domain(vm: Vm): PvDomain {
    const d = this.hv.domains.get(vm.id);
    if (!d) throw new Error(`VM ${vm.id} was not booted as a PV domain`);
    return d;
  }

  boot(vm: Vm, image: LoadedImage): void {
    const d = buildDomain(this.hv, vm, image, { cmdline: this.options.cmdline });
    this.backends.attach(d);
    this.onDestroy(vm);
  }

  private onDestroy(vm: Vm): void {
    vm.onDestroy(() => {
      const d = this.hv.domains.get(vm.id);
      if (d) { this.backends.detach(d); this.hv.destroyDomain(d); }
    });
  }

  // --- migration (docs/MIGRATION.md): the VMM record has the vCPU, the PV and PV_DEVICES records the rest ---

  readonly stateParts: readonly StatePart[] = ['pv', 'pv-devices'];
  /** The hypervisor and its backends read guest pages directly (validation, hypercall arguments, grant copies): every page must be here. */
  readonly postcopy = false;

  /** The backends answer every request the stopped domain made and flush the disk; frames still waiting for a buffer are carried. */
  quiesceVm(vm: Vm): void { quiesceBackends(this.backends, this.domain(vm)); }
  saveVm(vm: Vm): StateRecord { return { hart: hartContextState(this.domain(vm).hart) }; }
  saveParts(vm: Vm): Partial<Record<StatePart, StateRecord>> {
    const d = this.domain(vm);
    return { pv: saveDomain(this.hv, d), 'pv-devices': saveBackends(this.backends, d) };
  }
  restoreVm(vm: Vm, state: StateReader, parts: Partial<Record<StatePart, StateReader>> = {}): void {
    const hart = hartContextFrom(state.record('hart'), GUEST_S_CSRS, PV_MODES);
    if (!parts.pv || !parts['pv-devices']) throw new MigrationStateError('a PV domain needs its PV and PV_DEVICES records');
    this.onDestroy(vm);
    const d = restoreDomain(this.hv, vm, parts.pv);
    d.hart = hart;
    restoreBackends(this.backends, d, parts['pv-devices']);
    // A port bound to dom0 at the source that no backend here took would leave the guest waiting forever.
    for (const [port, s] of d.channels.bound()) {
      if (s.kind === 'unbound' && wasInterdomain(parts.pv, port)) throw new MigrationStateError(`PV: port ${port} was bound to dom0 at the source and no backend here took it up`);
    }
  }
  resumedVm(vm: Vm): void {
    const d = this.domain(vm);
    for (const dev of this.backends.devices) dev.resumed?.(d);
  }

  enter(vm: Vm): void {
    const m = this.ctx.machine, d = this.domain(vm);
    const delegated = d.trapHandler === undefined ? 0n : PV_DELEGATED;
    switchIn(m, vm, {
      medeleg: delegated,
      mideleg: SSIP,
      mie: bit(IRQ.mti),
      satp: d.satp,
      mstatus: MSTATUS_TVM | MSTATUS_TW,
      exits: this.exitControls(delegated),
    }, d.hart);
    if (d.hart.csrs.get(CSR.stvec) === undefined) m.writeCsr(CSR.stvec, d.trapHandler ?? 0n);
    // Global mappings match every ASID: none of this domain's may outlive its time on the hart.
    this.hv.frames.flushTlb();
    d.running = true;
    // An event that arrived while it was off the hart (a backend's response from a driver domain) is delivered now.
    this.raiseUpcall(d);
  }

  /** The block backend every domain of this hypervisor gets (when it was given a disk). */
  get blockBackend(): BlockBackend | undefined {
    return this.backends.devices.find((b): b is BlockBackend => b instanceof BlockBackend);
  }

  /** The network backend every domain of this hypervisor gets (when it was given a switch). */
  get netBackend(): NetBackend | undefined {
    return this.backends.devices.find((b): b is NetBackend => b instanceof NetBackend);
  }

  /**
   * An event was sent to the VM from outside its own exits (a driver domain's response while the
   * vCPU was blocked): whether the vCPU has one to take, raising the upcall if the VM is on the hart.
   */
  eventArrived(vm: Vm): boolean {
    const d = this.domain(vm);
    if (!d.sharedInfo.upcallDeliverable()) return false;
    if (d.running) this.raiseUpcall(d);
    return true;
  }

  leave(vm: Vm): void {
    const d = this.domain(vm);
    switchOut(this.ctx.machine, d.hart);
    this.hv.frames.flushTlb();
    d.running = false;
  }

  private exitControls(delegated: bigint) {
    return { exitOnException: ALL_CAUSES & ~delegated, exitOnInterrupt: HOST_INTERRUPTS, exitOnWfi: false };
  }

  /** Until the kernel registers its trap handler every trap exits (and is fatal); then its own traps are its own. */
  private applyDelegation(d: PvDomain): void {
    const delegated = d.trapHandler === undefined ? 0n : PV_DELEGATED;
    this.ctx.machine.writeCsr(CSR.medeleg, delegated);
    this.ctx.machine.configure(this.exitControls(delegated));
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const d = this.domain(vm);
    let action: ExitAction;
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) {
      this.timer(vm, d);
      action = RESUME;
    } else if (exit.reason !== 'trap') {
      return crash(vm, `unexpected exit "${exit.reason}" at pc 0x${exit.pc.toString(16)}`);
    } else if (exit.cause === CAUSE.ecallS) {
      action = this.hypercall(vm, d, exit);
    } else if (d.trapHandler === undefined) {
      return crash(vm, `exception ${exit.cause} at pc 0x${exit.pc.toString(16)} before the kernel registered a trap handler`);
    } else {
      // An illegal instruction (a satp access, SFENCE.VMA or WFI from the kernel, refused by
      // TVM/TW, or any illegal instruction from U): the guest's own handler gets it.
      action = this.reflect(vm, exit, exit.priv === 1 ? 'privileged' : 'guest-fault');
    }
    this.raiseUpcall(d);
    return action;
  }

  private hypercall(vm: Vm, d: PvDomain, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine;
    const nr = Number(m.getReg(17) & 0xffff_ffffn);
    vm.stats.exit(HYPERCALL_NAMES[nr] ?? 'hypercall');
    const before = this.hv.rules.validatedPtes, handler = d.trapHandler;
    const args = [10, 11, 12, 13, 14, 15].map((r) => m.getReg(r));
    const rc = this.hv.hypercall(this.hv.guestCaller(d), nr, args);
    vm.stats.validatedPtes += this.hv.rules.validatedPtes - before;
    m.setReg(10, BigInt(rc));
    m.pc = exit.pc + 4n;
    if (d.shutdownCode !== undefined) return { kind: 'halt', code: d.shutdownCode };
    if (d.trapHandler !== handler) {
      m.writeCsr(CSR.stvec, d.trapHandler ?? 0n);
      this.applyDelegation(d);
    }
    if (d.blockRequested) return this.block(vm, d);
    return RESUME;
  }

  /** The domain's timer expired: VIRQ_TIMER goes pending. */
  private timer(vm: Vm, d: PvDomain): void {
    expireTimer(this.ctx.machine, vm);
    d.channels.raiseVirq(VIRQ.timer);
  }

  /**
   * SCHEDOP_block: the vCPU sleeps until an event is deliverable: it idles, and the runner decides
   * what that means (alone on a machine its time skips to its timer, whose exit raises VIRQ_TIMER;
   * beside other VMs its slice ends, since the machine's clock is theirs too).
   */
  private block(vm: Vm, d: PvDomain): ExitAction {
    d.blockRequested = false;
    if (d.sharedInfo.upcallDeliverable()) return RESUME;
    if (!d.timerArmed) return crash(vm, 'the domain blocked with no event pending and no timer set: it can never wake');
    return IDLE;
  }

  /** Delivers a trap the hypervisor saw first to the guest kernel's handler, as the hart would have. */
  private reflect(vm: Vm, exit: ExitRecord, kind: string): ExitAction {
    const m = this.ctx.machine;
    vm.stats.exit(kind);
    vm.stats.reflected++;
    const st = m.readCsr(CSR.sstatus);
    const spie = (st & SSTATUS.SIE) !== 0n ? SSTATUS.SPIE : 0n;
    m.writeCsr(CSR.sstatus, (st & ~(SSTATUS.SIE | SSTATUS.SPIE | SSTATUS.SPP)) | spie | (exit.priv === 1 ? SSTATUS.SPP : 0n));
    m.writeCsr(CSR.sepc, exit.pc);
    m.writeCsr(CSR.scause, BigInt(exit.cause!));
    m.writeCsr(CSR.stval, exit.cause === CAUSE.illegal ? BigInt(exit.insn) : exit.tval ?? 0n);
    m.pc = m.readCsr(CSR.stvec) & ~3n;
    m.priv = 1;
    return RESUME;
  }

  /** An unmasked pending port and upcalls enabled: the guest takes the S-mode software interrupt. */
  private raiseUpcall(d: PvDomain): void {
    if (d.sharedInfo.upcallDeliverable()) {
      const m = this.ctx.machine;
      m.writeCsr(CSR.mip, m.readCsr(CSR.mip) | SSIP);
    }
  }
}

function crash(vm: Vm, why: string): ExitAction {
  vm.stats.exit('fatal');
  return { kind: 'crash', why };
}

function wasInterdomain(pv: StateReader, port: number): boolean {
  return pv.list('ports', 1024).some((p) => p.int('port', 1, 1023) === port && p.oneOf('kind', ['unbound', 'interdomain', 'virq', 'ipi'] as const) === 'interdomain');
}
