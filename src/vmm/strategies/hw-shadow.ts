/**
 * `hw-shadow` (first-generation hardware assist): the guest kernel runs in VS and its processes in
 * VU, so system calls, its own exceptions and its interrupts need no VMM, but there is no G-stage:
 * the VS stage walks shadow page tables the VMM builds, with hstatus.VTVM making the guest's satp
 * accesses and SFENCE.VMA exit. Page faults exit too (they may be shadow fills), and so do writes
 * to the guest's page tables.
 */
import type { ExitRecord } from '../../../bindings/exit.js';
import type { LoadedImage } from '../../loader/index.js';
import { CSR, CAUSE, IRQ, SSTATUS, bit } from '../csr.js';
import { decodePrivileged, csrNewValue } from '../decode.js';
import { ShadowPaging } from '../shadow-paging.js';
import { READ, WRITE, FETCH, type AccessType } from '../guest-walk.js';
import { RESUME, insnLength, kernelEntry, type ExitAction, type Strategy, type StrategyContext } from '../strategy.js';
import type { Vm } from '../vm.js';
import { VsVcpu, configureVsHart, loadVcpu, saveVcpu, handleSbi, handleTimer, unexpected, GUEST_EXCEPTIONS } from './vs-hart.js';
import { emulatePtStore } from './trap-emulate.js';
import { emulateMmio, isDevice } from '../mmio.js';

const PAGE_FAULTS = bit(CAUSE.fetchPage) | bit(CAUSE.loadPage) | bit(CAUSE.storePage);
const { SIE, SPIE, SPP, SUM, MXR } = SSTATUS;

interface Guest { vcpu: VsVcpu; shadow: ShadowPaging; satp: bigint }

export class HwShadow implements Strategy {
  readonly name = 'hw-shadow' as const;
  private readonly guests = new Map<number, Guest>();
  constructor(private readonly ctx: StrategyContext) {}

  boot(vm: Vm, image: LoadedImage): void {
    vm.load(image);
    const vcpu = new VsVcpu();
    vcpu.pc = kernelEntry(image);
    this.guests.set(vm.id, { vcpu, shadow: new ShadowPaging(this.ctx.machine, this.ctx.host, vm.p2m, vm.stats, 'preserve'), satp: 0n });
  }

  enter(vm: Vm): void {
    const m = this.ctx.machine, g = this.guests.get(vm.id)!;
    configureVsHart(m, { guestExceptions: GUEST_EXCEPTIONS & ~PAGE_FAULTS, trapVm: true, hgatp: 0n });
    loadVcpu(m, g.vcpu);
    m.writeCsr(CSR.vsatp, g.shadow.satpFor(g.satp, 'S'));
    m.timerCompare = vm.timerDeadline;
  }

  leave(vm: Vm): void { saveVcpu(this.ctx.machine, this.guests.get(vm.id)!.vcpu); }

  handle(vm: Vm, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine, g = this.guests.get(vm.id)!;
    if (exit.reason === 'interrupt' && exit.cause === IRQ.mti) return handleTimer(m, vm);
    if (exit.reason !== 'trap') return unexpected(vm, exit);
    switch (exit.cause) {
      case CAUSE.ecallVS: return handleSbi(m, vm, exit);
      case CAUSE.virtualInstruction: return this.virtualInstruction(vm, g, exit);
      case CAUSE.fetchPage: return this.pageFault(vm, g, exit, FETCH);
      case CAUSE.loadPage: return this.pageFault(vm, g, exit, READ);
      case CAUSE.storePage: return this.pageFault(vm, g, exit, WRITE);
      default: return unexpected(vm, exit);
    }
  }

  /** satp accesses and SFENCE.VMA (trapped by VTVM): the guest's satp is virtual, the hart's vsatp a shadow. */
  private virtualInstruction(vm: Vm, g: Guest, exit: ExitRecord): ExitAction {
    const m = this.ctx.machine;
    const insn = decodePrivileged(exit.insn);
    vm.stats.emulated++;
    if (insn.kind === 'sfence') { vm.stats.exit('sfence'); m.pc = exit.pc + 4n; return RESUME; }
    if (insn.kind !== 'csr' || insn.csr !== CSR.satp) return unexpected(vm, exit);
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
    const ctx = { satp: g.satp, userMode: m.priv === 0, sum: (vss & SUM) !== 0n, mxr: (vss & MXR) !== 0n };
    const r = g.shadow.fault(ctx, 'S', m.readCsr(CSR.vsatp), exit.tval!, type);
    if (r.kind === 'filled') { vm.stats.exit('hidden-fault'); return RESUME; }
    if (r.kind === 'pt-write') return emulatePtStore(m, g.shadow, vm, exit, r.gpa);
    if (r.kind === 'unmapped' && type !== FETCH && isDevice(vm, r.gpa)) return emulateMmio(m, vm, exit, r.gpa);
    vm.stats.exit('guest-fault');
    vm.stats.reflected++;
    injectIntoVs(this.ctx.machine, BigInt(r.cause), exit.tval!, exit.pc);
    return RESUME;
  }
}

/** Delivers an exception to the guest kernel in VS as the hart would have (vscause, vsepc, vstval, vsstatus). */
function injectIntoVs(m: StrategyContext['machine'], cause: bigint, tval: bigint, pc: bigint): void {
  const vss = m.readCsr(CSR.vsstatus);
  m.writeCsr(CSR.vscause, cause);
  m.writeCsr(CSR.vsepc, pc);
  m.writeCsr(CSR.vstval, tval);
  m.writeCsr(CSR.vsstatus, (vss & ~(SPP | SPIE | SIE)) | (m.priv === 1 ? SPP : 0n) | ((vss & SIE) !== 0n ? SPIE : 0n));
  m.priv = 1;
  m.pc = m.readCsr(CSR.vstvec) & ~3n;
}
