/**
 * A PV domain (a domU): its VM (the frames it owns and their p2m), the hypervisor's state for it
 * (current base pointer, the trap handler it registered, its timer, shutdown), its event channels
 * and shared-info page, and its vCPU while it is off the hart.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Vm } from '../vmm/vm.js';
import { CSR } from '../vmm/csr.js';
import { HartContext } from '../vmm/world-switch.js';
import type { HostMemory } from '../vmm/frames.js';
import type { EventChannels } from './event-channels.js';
import type { SharedInfoPage } from './shared-info.js';

export const SATP_SV39 = 8n << 60n;
export const NO_TIMER = 0xffff_ffff_ffff_ffffn;

/**
 * The S-mode CSRs a PV guest owns (it runs in S-mode and writes them itself, sip's SSIP included:
 * it clears its upcall there); saved and restored by the world switch. satp is the hypervisor's.
 */
export const GUEST_S_CSRS: readonly number[] = [CSR.sstatus, CSR.sie, CSR.stvec, CSR.sscratch, CSR.sepc, CSR.scause, CSR.stval, CSR.sip, CSR.scounteren, CSR.senvcfg];

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
  /** The guest's own ASID of the base pointer (NEW_BASEPTR's arg2): what a migration carries, the host ASID being this host's. */
  baseAsid = 0;
  /** The trap handler the guest registered (set_trap_table): stvec, validated. */
  trapHandler: bigint | undefined;
  /** Set by SCHEDOP_shutdown: the VM's exit code. */
  shutdownCode: number | undefined;
  /** Set by SCHEDOP_block until the strategy has decided how the vCPU wakes. */
  blockRequested = false;
  /** Whether its vCPU is on the hart now (hypercalls that change hart state apply at once). */
  running = false;
  /** The vCPU off the hart: registers, pc, privilege (it starts in S) and the S CSRs it owns. */
  hart = new HartContext(GUEST_S_CSRS, 0n, 1, false);
  /** Host ASIDs (the host-wide allocator's) standing for the guest's own ASIDs. */
  private readonly asids = new Map<number, number>();

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

  /**
   * The host ASID for the guest's ASID `asid`, allocated on first use and given back with the domain:
   * no other VM's address space carries it while this domain holds it.
   */
  hostAsid(host: HostMemory, asid: number): number {
    let tag = this.asids.get(asid);
    if (tag === undefined) {
      const t = host.asids.alloc(() => this.machine.flushTlbTag({ virt: false, asid: t }));
      this.asids.set(asid, (tag = t));
    }
    return tag;
  }
  /** Gives every host ASID back (each flushed). */
  releaseAsids(host: HostMemory): void {
    for (const t of this.asids.values()) host.asids.release(t);
    this.asids.clear();
  }

  /** Makes `satp` the vCPU's translation; on the hart at once if it runs. */
  setBase(satp: bigint, mfn: bigint, asid: number): void {
    this.satp = satp;
    this.baseAsid = asid;
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
