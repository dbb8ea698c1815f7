/**
 * How a VM runs on the hart: the contract every VMM strategy implements. A strategy prepares the
 * hart for a VM (`enter`: modes, delegation, exit controls, address translation), handles the exits
 * its configuration produces (`handle`, one `switch` over the exit record), and saves what it must
 * when the VM is descheduled (`leave`). The runner owns the loop, so schedulers for several VMs,
 * binary translation, paravirtual hypercalls and live migration plug in at these three points.
 */
import type { ExitRecord } from '../../bindings/exit.js';
import type { Machine } from '../../bindings/machine.js';
import type { HostMemory } from './frames.js';
import type { LoadedImage } from '../loader/index.js';
import type { Vm } from './vm.js';
import type { BlockStore } from '../vdev/block-store.js';

export type StrategyName = 'native' | 'trap-emulate' | 'bt' | 'hw-shadow' | 'hw-nested' | 'pv';
export const STRATEGIES: StrategyName[] = ['native', 'trap-emulate', 'bt', 'hw-shadow', 'hw-nested', 'pv'];

/**
 * What the runner does after an exit. `idle`: the guest executed WFI with no interrupt pending; it
 * resumes after the WFI once one is (its timer, or an event), and a host may run another VM meanwhile.
 */
export type ExitAction = { kind: 'resume' } | { kind: 'idle' } | { kind: 'halt'; code: number } | { kind: 'crash'; why: string };
/** The action that resumes the guest. */
export const RESUME: ExitAction = { kind: 'resume' };
export const IDLE: ExitAction = { kind: 'idle' };

export interface Strategy {
  readonly name: StrategyName;
  /** Boots the VM: loads the image, sets up its virtual CPU at the kernel's entry. */
  boot(vm: Vm, image: LoadedImage): void;
  /** Puts the VM on the hart (a world switch in). */
  enter(vm: Vm): void;
  /** Handles one exit of the VM. */
  handle(vm: Vm, exit: ExitRecord): ExitAction;
  /** Takes the VM off the hart (a world switch out). */
  leave(vm: Vm): void;
  /** Counters of the strategy's own mechanism for a VM (shown by `vmlab run --stats`), if it has any. */
  details?(vm: Vm): [string, number][];
}

/** What a strategy is built from. */
export interface StrategyContext {
  machine: Machine;
  host: HostMemory;
  /** Parameters of the strategy (`vmlab compare --set <strategy>.<key>=value`), e.g. pv's batch size. */
  params?: Record<string, string>;
  /** The disk behind the VM's block device (an emulated virtio-blk, or pv's split driver). */
  disk?: BlockStore;
}

/** The S-mode entry of a guest kernel image (minios's `kernel_entry`), past its M-mode stub. */
export function kernelEntry(image: LoadedImage): bigint {
  const e = image.symbols.get('kernel_entry');
  if (e === undefined) throw new Error('the image has no kernel_entry symbol: a VMM boots the S-mode kernel itself');
  return e;
}

/** Bytes of an instruction from its bits: 2 for compressed, else 4. */
export const insnLength = (insn: number): bigint => ((insn & 3) === 3 ? 4n : 2n);
