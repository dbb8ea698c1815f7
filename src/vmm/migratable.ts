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

export interface Migratable {
  /** The VM's state under this strategy, taken while it is off the hart (after `leave`). */
  saveVm(vm: Vm): StateRecord;
  /**
   * Takes over a VM whose RAM is (or will be) the migrated guest's, from `saveVm`'s record, in
   * place of `boot`. Throws a MigrationStateError naming the field when the record is not one
   * this strategy wrote; nothing of the strategy is changed then.
   */
  restoreVm(vm: Vm, state: StateReader): void;
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
