/**
 * `hw-nested` (second-generation hardware assist): the guest kernel runs in VS with a G-stage built
 * from its p2m, so it edits its own page tables and takes its own page faults and system calls with
 * no exit; the TLB is tagged with the VM's VMID. What still exits: SBI calls and the timer.
 */
import type { ExitRecord } from '../../../bindings/exit.js';
import type { LoadedImage } from '../../loader/index.js';
import { GStage } from '../g-stage.js';
import { CAUSE, IRQ } from '../csr.js';
import { kernelEntry, type ExitAction, type Strategy, type StrategyContext } from '../strategy.js';
import type { Vm } from '../vm.js';
import { emulateMmio, isDevice } from '../mmio.js';
import { VsVcpu, configureVsHart, loadVcpu, saveVcpu, handleSbi, handleTimer, unexpected, GUEST_EXCEPTIONS } from './vs-hart.js';

export class HwNested implements Strategy {
  readonly name = 'hw-nested' as const;
  private readonly vcpus = new Map<number, VsVcpu>();
  private readonly gstages = new Map<number, GStage>();
  constructor(private readonly ctx: StrategyContext) {}

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    this.gstages.set(vm.id, new GStage(this.ctx.host, vm.p2m));
    const c = new VsVcpu();
    c.pc = kernelEntry(image);
    this.vcpus.set(vm.id, c);
  }

  enter(vm: Vm): void {
    const m = this.ctx.machine;
    configureVsHart(m, { guestExceptions: GUEST_EXCEPTIONS, trapVm: false, hgatp: this.gstages.get(vm.id)!.hgatp(vm.id) });
    loadVcpu(m, this.vcpus.get(vm.id)!);
    m.timerCompare = vm.timerDeadline;
  }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine;
    switch (exit.reason) {
      case 'trap':
        if (exit.cause === CAUSE.ecallVS) return handleSbi(m, vm, exit);
        // A G-stage fault on a device's guest-physical address: the register access is emulated.
        if ((exit.cause === CAUSE.loadGuestPage || exit.cause === CAUSE.storeGuestPage) && isDevice(vm, exit.gpa!)) return emulateMmio(m, vm, exit, exit.gpa!);
        return unexpected(vm, exit);
      case 'interrupt':
        if (exit.cause === IRQ.mti) return handleTimer(m, vm);
        return unexpected(vm, exit);
      default:
        return unexpected(vm, exit);
    }
  }

  leave(vm: Vm): void { saveVcpu(this.ctx.machine, this.vcpus.get(vm.id)!); }
}
