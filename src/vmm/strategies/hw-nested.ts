/**
 * `hw-nested` (second-generation hardware assist): the guest kernel runs in VS with a G-stage built
 * from its p2m, so it edits its own page tables and takes its own page faults and system calls with
 * no exit; the TLB is tagged with the VM's VMID, taken from the host's allocator (and given back,
 * its translations flushed, when the VM is destroyed). What still exits: SBI calls and the timer,
 * and what the guest may not do (an access outside its RAM, an H instruction), which reaches it as
 * the fault bare hardware would give.
 */
import type { ExitRecord } from '../../../bindings/exit.js';
import type { LoadedImage } from '../../loader/index.js';
import { GStage } from '../g-stage.js';
import { CAUSE, IRQ } from '../csr.js';
import type { HartContext } from '../world-switch.js';
import { kernelEntry, type ExitAction, type Strategy, type StrategyContext } from '../strategy.js';
import type { Vm } from '../vm.js';
import { emulateMmio, isDevice } from '../mmio.js';
import { vsContext, enterVs, leaveVs, handleSbi, handleTimer, handleWfi, reflectToVs, unexpected, GUEST_EXCEPTIONS, VS_MODES } from './vs-hart.js';
import type { Migratable, StateRecord, StateReader } from '../migratable.js';
import { hartContextState, hartContextFrom } from '../hart-context-state.js';
import { VS_GUEST_CSRS } from '../world-switch.js';

interface Guest { hart: HartContext; gstage: GStage; vmid: number }

export class HwNested implements Strategy, Migratable {
  readonly name = 'hw-nested' as const;
  private readonly guests = new Map<number, Guest>();
  constructor(private readonly ctx: StrategyContext) {}

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    this.adopt(vm, vsContext(kernelEntry(image)));
  }

  /** The VM's G-stage (over its own p2m) and a VMID of this host: at boot, or for a VM migrated in. */
  private adopt(vm: Vm, hart: HartContext): void {
    const { machine, host } = this.ctx;
    const gstage = new GStage(vm.vmm, vm.p2m);
    const vmid = host.vmids.alloc(() => machine.flushTlbTag({ virt: true, vmid }));
    this.guests.set(vm.id, { hart, gstage, vmid });
    vm.onDestroy(() => { host.vmids.release(vmid); vm.stats.vmmFlushes++; this.guests.delete(vm.id); });
  }

  /** The hart context; the G-stage and the VMID are the destination's own. */
  saveVm(vm: Vm): StateRecord { return { hart: hartContextState(this.guest(vm).hart) }; }
  /** The G-stage (a walk over every frame: tens of milliseconds for 128 MiB) before the pages come, not in the downtime. */
  prepareVm(vm: Vm): void { this.adopt(vm, vsContext(0n)); }
  restoreVm(vm: Vm, state: StateReader): void {
    const hart = hartContextFrom(state.record('hart'), VS_GUEST_CSRS, VS_MODES);
    const g = this.guests.get(vm.id);
    if (g) g.hart = hart; else this.adopt(vm, hart);
  }

  enter(vm: Vm): void {
    const g = this.guest(vm);
    enterVs(this.ctx.machine, vm, g.hart, { guestExceptions: GUEST_EXCEPTIONS, trapVm: false, hgatp: g.gstage.hgatp(g.vmid) });
  }

  leave(vm: Vm): void { leaveVs(this.ctx.machine, this.guest(vm).hart); }

  private guest(vm: Vm): Guest {
    const g = this.guests.get(vm.id);
    if (!g) throw new Error(`VM ${vm.id} was not booted under ${this.name}`);
    return g;
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine;
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) return handleTimer(m, vm);
    if (exit.reason === 'wfi') return handleWfi(m, vm);
    if (exit.reason !== 'trap') return unexpected(vm, exit);
    if (exit.cause === CAUSE.ecallVS) return handleSbi(m, vm, exit);
    // A G-stage fault on a device's guest-physical address: the register access is emulated.
    if ((exit.cause === CAUSE.loadGuestPage || exit.cause === CAUSE.storeGuestPage) && isDevice(vm, exit.gpa!)) return emulateMmio(m, vm, exit, exit.gpa!);
    return reflectToVs(m, vm, exit) ?? unexpected(vm, exit);
  }
}
