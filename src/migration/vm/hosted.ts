/**
 * A VM as migration sees it, on either end: its guest pages (read on the source, written or left
 * not present on the destination), its dirty log, a way to run it in slices, and its state besides
 * RAM. Two kinds: a bare machine (the whole machine is the VM: `native`) and a VM under a VMM
 * strategy on a host machine of its own.
 */
import type { HartState } from '../../../bindings/machine.js';
import type { GuestDirtyLog, PageBitmap } from '../../vmm/dirty-log.js';
import type { StateRecord } from '../../vmm/state-reader.js';
import type { StatePart } from '../../vmm/migratable.js';
import type { Clock } from '../stream/records.js';

/** How a slice of guest execution ended. */
export type SliceResult =
  | { kind: 'running' }
  | { kind: 'halt'; code: number }
  | { kind: 'crash'; why: string }
  /** The guest needs guest page `gfn`, which has not arrived (post-copy destination). */
  | { kind: 'not-present'; gfn: number };

/** Everything but RAM: records of the stream. */
export interface MigratedState {
  /** A bare machine: its whole hart and devices. */
  hart?: HartState;
  /** A VM under a VMM: the strategy's record, and the VM's virtual devices. */
  vmm?: StateRecord;
  devices?: StateRecord;
  /** Further parts of the strategy's state (pv: its PV and PV_DEVICES records). */
  parts?: Partial<Record<StatePart, StateRecord>>;
  /** The host clock the guest's time comes from, and when the source stopped. */
  clock: Clock;
}

export interface HostedVm {
  /** `native` for a bare machine, else the VMM strategy's name. */
  readonly strategy: string;
  readonly ramBytes: number;
  readonly pages: number;
  readonly dirtyLog: GuestDirtyLog;
  /** Whether it can resume on a destination before all its pages have arrived (not pv). */
  readonly postcopy: boolean;
  /** The state parts its records must have besides VMM and DEVICES (the destination refuses a stream without them). */
  readonly stateParts: readonly StatePart[];
  /** Runs the guest for at most `instructions` instructions. */
  run(instructions: number): SliceResult;
  /** Console output since the last call. */
  takeOutput(): string;
  /** Guest page `gfn` (a view: copy it before the guest runs again). */
  readPage(gfn: number): Uint8Array;
  writePage(gfn: number, data: Uint8Array): void;
  /** Marks the pages of `bits` not present (post-copy destination). */
  setAbsent(bits: PageBitmap): void;
  isAbsent(gfn: number): boolean;
  /**
   * The VM has stopped for the switch-over: whatever is half done is finished (requests a
   * backend took, an instruction half emulated) before `saveState`. It may write guest pages,
   * which the dirty log records. Throws when that is impossible (the VM goes on here).
   */
  quiesce(): void;
  /** The state besides RAM, taken while the VM is stopped. */
  saveState(): MigratedState;
  /** Takes over a migrated VM's state (checked whole before it changes anything). */
  restoreState(s: MigratedState): void;
  /** Just before the first slice on the destination: the clock goes on from the source's stop. */
  resumeClock(clock: Clock, nowEpochMs: number): void;
  /** The destination has resumed it (its network devices announce where they are now). */
  resumed(): void;
  /** The guest-visible time (mtime). */
  readonly time: bigint;
  /** Frees what the VM holds on this host. */
  destroy(): void;
}

/** Wall-clock time in milliseconds that both processes on one host agree on. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
