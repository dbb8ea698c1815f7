/**
 * A PV domain (a domU): its VM (the frames it owns and their p2m), the hypervisor's state for it
 * (current base pointer, the trap handler it registered, its timer, shutdown), its event channels
 * and shared-info page, and its vCPU while it is off the hart.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Vm } from '../vmm/vm.js';
import { CSR } from '../vmm/csr.js';
import type { EventChannels } from './event-channels.js';
import type { SharedInfoPage } from './shared-info.js';

export const SATP_SV39 = 8n << 60n;
export const NO_TIMER = 0xffff_ffff_ffff_ffffn;

/** The S-mode CSRs a PV guest owns (it runs in S-mode and writes them itself); saved across world switches. */
export const GUEST_S_CSRS = [CSR.sstatus, CSR.sie, CSR.stvec, CSR.sscratch, CSR.sepc, CSR.scause, CSR.stval, CSR.scounteren] as const;

/** Where the builder put the domain's special pages (pseudo-physical frame numbers) and its entry state. */
export interface DomainLayout {
  startInfoPfn: number;
  sharedInfoPfn: number;
  consolePfn: number;
  storePfn: number;
  grantPfns: number[];
  /** The initial tables: root first. */
  tablePfns: number[];
  /** First pfn after the bootstrap area (the guest's free memory). */
  firstFreePfn: number;
  /** Kernel virtual address of start_info (a1 at entry). */
  startInfoVa: bigint;
}

export class PvDomain {
  /** Machine frame numbers of the domain's pseudo-physical frames (its p2m). */
  readonly mfns: bigint[];
  /** satp of the current base pointer (Sv39, ASID, root mfn). */
  satp = 0n;
  baseMfn: bigint | undefined;
  /** The trap handler the guest registered (set_trap_table): stvec, validated. */
  trapHandler: bigint | undefined;
  /** Set by SCHEDOP_shutdown: the VM's exit code. */
  shutdownCode: number | undefined;
  /** Set by SCHEDOP_block until the strategy has decided how the vCPU wakes. */
  blockRequested = false;
  /** Whether its vCPU is on the hart now (hypercalls that change hart state apply at once). */
  running = false;
  /** The vCPU off the hart. */
  readonly regs: bigint[] = new Array(32).fill(0n);
  pc = 0n;
  /** Its privilege (1 S, 0 U). */
  priv = 1;
  readonly csrs = new Map<number, bigint>();

  constructor(
    readonly vm: Vm,
    readonly machine: Machine,
    readonly channels: EventChannels,
    readonly sharedInfo: SharedInfoPage,
    readonly layout: DomainLayout,
  ) {
    this.mfns = vm.p2m.frames.map((hpa) => hpa >> 12n);
  }

  get id(): number { return this.vm.id; }
  mfnOfPfn(pfn: number): bigint { return this.mfns[pfn]; }

  /** Makes `satp` the vCPU's translation; on the hart at once if it runs. */
  setBase(satp: bigint, mfn: bigint): void {
    this.satp = satp;
    this.baseMfn = mfn;
    if (this.running) this.machine.writeCsr(CSR.satp, satp);
  }

  /** The domain's one-shot timer (set_timer_op): the host's compare register while it runs. */
  setTimer(deadline: bigint): void {
    this.vm.timerDeadline = deadline;
    if (this.running) this.machine.timerCompare = deadline;
  }
  get timerArmed(): boolean { return this.vm.timerDeadline !== NO_TIMER; }
}
