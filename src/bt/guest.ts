/**
 * What binary translation keeps per VM, and the part of the strategy its callouts use (BtCore):
 * bt.ts implements it, callouts.ts calls it.
 */
import type { Machine } from '../../bindings/machine.js';
import type { ShadowPaging } from '../vmm/shadow-paging.js';
import type { VirtualCpu } from '../vmm/vcpu.js';
import type { GuestContext } from '../vmm/guest-walk.js';
import type { HartContext } from '../vmm/world-switch.js';
import type { ExitAction } from '../vmm/strategy.js';
import type { Vm } from '../vmm/vm.js';
import type { VcpuPage } from './vcpu-page.js';
import type { TranslationCache, Unit } from './cache.js';
import type { GuestCode } from './guest-code.js';
import type { AdaptiveSites } from './adaptive.js';
import type { BtStats } from './stats.js';
import type { GuestInsn } from './decode.js';

export interface Guest {
  vcpu: VirtualCpu;
  shadow: ShadowPaging;
  page: VcpuPage;
  cache: TranslationCache;
  code: GuestCode;
  sites: AdaptiveSites;
  stats: BtStats;
  hart: HartContext;
  /** What applyRing last wrote to the hart's CSRs while the VM is on it (forgotten at every switch). */
  hartCsrs: Map<number, bigint>;
  /** The guest pc the kernel is to start at (translated at the first world switch in). */
  startAt?: bigint;
}

export interface BtCore {
  readonly machine: Machine;
  /** The guest takes an exception in its kernel (from virtual U or S): its handler is entered through its translation. */
  reflect(vm: Vm, g: Guest, kind: string, cause: number, tval: bigint, guestPc: bigint): ExitAction;
  /** The hart goes on at guest kernel pc `pc`, in its translation. */
  enterKernel(vm: Vm, g: Guest, pc: bigint): ExitAction;
  /** Takes a virtual interrupt that has become deliverable. */
  deliver(vm: Vm, g: Guest): ExitAction;
  /** Points the hart at the shadow (and user view) of the virtual mode. */
  applyRing(g: Guest): void;
  /** Performs a guest access for it; undefined when done, else the fault reflected. */
  access(vm: Vm, g: Guest, insn: GuestInsn, va: bigint, guestPc: bigint): ExitAction | undefined;
  /** A store the VMM makes for the guest; whether it hit a page table. */
  store(vm: Vm, g: Guest, gpa: bigint, size: number, value: bigint): boolean;
  /** Translates the unit at guest pc `pc`, or gives the guest's fault fetching it. */
  translateAt(vm: Vm, g: Guest, pc: bigint): Unit | { cause: number; tval: bigint };
  /** Drops a unit to translate it again; the guest goes on at `next`. */
  retranslate(vm: Vm, g: Guest, unit: Unit, next: bigint): ExitAction;
  guestCtx(g: Guest): GuestContext;
}
