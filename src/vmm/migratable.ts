/**
 * What a strategy must provide for its VMs to be migrated: its state of one VM as a plain record
 * (saved while the VM is off the hart), and the inverse, which recreates the VM on another host
 * from that record instead of booting it. The record holds what the guest can see or depends on
 * (its virtual CPU, the guest's own satp, pending virtual interrupts); tables the VMM derives
 * from guest memory and its own host frames — shadow page tables, the G-stage — are not in it:
 * the destination rebuilds them over its own frames. Adding a strategy to migration is this one
 * method pair.
 */
import type { Vm } from './vm.js';
import type { Strategy } from './strategy.js';
import { StateReader, type StateRecord } from './state-reader.js';

export type { StateRecord, StateValue } from './state-reader.js';
export { StateReader, MigrationStateError } from './state-reader.js';

/**
 * Further parts of a strategy's state, each sent as a stream record of its own: `pv` the PV
 * hypervisor's state of the domain, `pv-devices` dom0's (its split-driver backends, XenStore).
 */
export type StatePart = 'pv' | 'pv-devices';

export interface Migratable {
  /** The VM's state under this strategy, taken while it is off the hart (after `leave`). */
  saveVm(vm: Vm): StateRecord;
  /**
   * Takes over a VM whose RAM is (or will be) the migrated guest's, from `saveVm`'s record (and
   * `saveParts`'s), in place of `boot`. Throws a MigrationStateError naming the field when a
   * record is not one this strategy wrote; the destination then drops the VM.
   */
  restoreVm(vm: Vm, state: StateReader, parts?: Partial<Record<StatePart, StateReader>>): void;
  /** The parts this strategy's state has besides `saveVm`'s record (every one required on restore). */
  readonly stateParts?: readonly StatePart[];
  saveParts?(vm: Vm): Partial<Record<StatePart, StateRecord>>;
  /**
   * Whether a VM can resume before its pages have arrived (post-copy). Default true; false when
   * the VMM itself reads guest memory at restore and while serving the guest without going
   * through the p2m's not-present check (pv's hypervisor and backends).
   */
  readonly postcopy?: boolean;
  /** On the destination, once the guest has resumed (pv: its vifs announce where they are). Optional. */
  resumedVm?(vm: Vm): void;
  /**
   * On the destination, when the VM is created and before any page or state arrives: builds what
   * depends only on the VM's RAM and this host (a G-stage over the new p2m, tags), so that work is
   * not part of the downtime. `restoreVm` then uses it. Optional.
   */
  prepareVm?(vm: Vm): void;
  /**
   * On the source, once the VM has stopped and before its state is saved: brings it to a point
   * where the record means the same on another host (bt: a guest-instruction boundary; pv: the
   * backends have answered every request they took). It may write guest memory, so the migration
   * reads the dirty log once more after it. Throws when the VM cannot be brought there (the
   * migration then fails and the VM goes on here). Optional.
   */
  quiesceVm?(vm: Vm): void;
}

/** Whether a strategy can have its VMs migrated. */
export function isMigratable(s: Strategy): s is Strategy & Migratable {
  return typeof (s as Partial<Migratable>).saveVm === 'function' && typeof (s as Partial<Migratable>).restoreVm === 'function';
}

export type MigratableStrategy = Strategy & Migratable;
export type { StateRecord as VmmState };
