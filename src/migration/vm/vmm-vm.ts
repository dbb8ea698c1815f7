/**
 * A VM under a VMM strategy, on a host machine of its own, as a migrating VM: guest page i is the
 * host frame its p2m names; the state besides RAM is the strategy's record of the VM (its virtual
 * CPU: `Migratable`), the VM's virtual devices (timer deadline, console) and the host clock. The
 * destination allocates its own frames, so the p2m it builds is its own; the strategy rebuilds
 * shadow or G-stage tables over them.
 */
import { Machine, RAM_BASE } from '../../../bindings/machine.js';
import type { LoadedImage } from '../../loader/index.js';
import { HostMemory } from '../../vmm/frames.js';
import { Vm } from '../../vmm/vm.js';
import { runVm } from '../../vmm/runner.js';
import { GuestDirtyLog, testBit, type PageBitmap } from '../../vmm/dirty-log.js';
import { isMigratable, type MigratableStrategy } from '../../vmm/migratable.js';
import { StateReader, MigrationStateError, base64 } from '../../vmm/state-reader.js';
import type { StrategyName } from '../../vmm/strategy.js';
import { makeStrategy } from '../../compare/run.js';
import { PvStrategy } from '../../pv/strategy.js';
import type { StatePart } from '../../vmm/migratable.js';
import type { BlockStore } from '../../vdev/block-store.js';
import type { VirtualSwitch } from '../../net/switch.js';
import { StreamError } from '../stream/format.js';
import type { Clock } from '../stream/records.js';
import { resumeWallClock } from './bare-vm.js';
import { epochMs, type HostedVm, type MigratedState, type SliceResult } from './hosted.js';

/** Host memory the VMM keeps for its own tables, beside the guest's RAM (as vmlab compare). */
export const VMM_BYTES = 32 << 20;
const MAX_CONSOLE = 16 << 20;


/**
 * What a host gives the VMs it runs besides RAM: the disk behind their block device (pv's block
 * split driver) — for a migration, storage both hosts reach, such as a disk image file on a
 * shared file system — and the network their network device is plugged into (pv's vif). Under
 * the other strategies minios has no network device, and its emulated virtio-blk is not
 * migrated: a disk is refused for them here.
 */
export interface VmHostEnv {
  disk?: BlockStore;
  net?: { switch: VirtualSwitch; /** the guest's IPv4 address there, for its announcements */ ip?: string };
}

export class VmmVm implements HostedVm {
  readonly dirtyLog: GuestDirtyLog;
  private gfnOfHost?: Map<bigint, number>;
  private readonly decoder = new TextDecoder();

  private constructor(readonly machine: Machine, readonly host: HostMemory, readonly vm: Vm, readonly vmm: MigratableStrategy, private readonly output: Uint8Array[]) {
    this.dirtyLog = GuestDirtyLog.forVm(machine, vm.p2m);
  }

  /**
   * A host machine with one VM of `ramBytes` under `strategy`, not booted (`boot` it), or, with
   * `incoming`, prepared to take a migrated VM's state (the strategy's prepareVm).
   */
  static async create(strategy: Exclude<StrategyName, 'native'>, ramBytes: number, incoming = false, env: VmHostEnv = {}): Promise<VmmVm> {
    const machine = await Machine.create({ ramBytes: ramBytes + VMM_BYTES });
    const host = new HostMemory(machine, VMM_BYTES);
    const output: Uint8Array[] = [];
    const vm = new Vm(1, host, ramBytes, { consoleSink: (b) => output.push(b) });
    const s = strategy === 'pv'
      ? new PvStrategy({ machine, host, disk: env.disk }, { net: env.net?.switch, ip: env.net?.ip })
      : makeStrategy(strategy, { machine, host, disk: env.disk });
    // The emulated virtio-blk of the other strategies keeps device state (queues, indices) no record carries yet.
    if (env.disk && strategy !== 'pv') throw new Error(`a VM under ${strategy} with a disk cannot be migrated: its emulated virtio-blk device's state is not migrated (pv's split driver is)`);
    if (!isMigratable(s)) throw new Error(`strategy ${strategy} cannot be migrated`);
    if (incoming) s.prepareVm?.(vm);
    return new VmmVm(machine, host, vm, s, output);
  }

  /** Boots `image` in the VM (the source side of a migration starts here). */
  boot(image: LoadedImage): void { this.vmm.boot(this.vm, image); }

  get strategy(): string { return this.vmm.name; }
  get postcopy(): boolean { return this.vmm.postcopy ?? true; }
  get stateParts(): readonly StatePart[] { return this.vmm.stateParts ?? []; }
  get ramBytes(): number { return Number(this.vm.p2m.size); }
  get pages(): number { return this.vm.p2m.frames.length; }
  get time(): bigint { return this.machine.time; }

  run(instructions: number): SliceResult {
    const out = runVm(this.machine, this.vm, this.vmm, { maxInstructions: instructions });
    switch (out.kind) {
      case 'budget': return { kind: 'running' };
      case 'halt': return out;
      case 'crash': return out;
      case 'not-present': return { kind: 'not-present', gfn: this.gfnOf(out.pa) };
    }
  }

  takeOutput(): string {
    this.vm.consoleLog.flush();
    let s = '';
    for (const b of this.output.splice(0)) s += this.decoder.decode(b, { stream: true });
    return s;
  }
  /** Host page index of each guest page (numbers, for the page-granular machine calls). */
  private hostPages?: Int32Array;
  private hostPage(gfn: number): number {
    this.hostPages ??= Int32Array.from(this.vm.p2m.frames, (f) => Number((f - RAM_BASE) / 4096n));
    const h = this.hostPages[gfn];
    if (h === undefined) throw new RangeError(`guest page ${gfn} is outside the VM's RAM`);
    return h;
  }
  readPage(gfn: number): Uint8Array { return this.machine.pageView(this.hostPage(gfn)); }
  writePage(gfn: number, data: Uint8Array): void { this.machine.writePage(this.hostPage(gfn), data); }
  setAbsent(bits: PageBitmap): void {
    const pages: number[] = [];
    for (let g = 0; g < this.pages; g++) if (testBit(bits, g)) pages.push(this.hostPage(g));
    this.machine.setAbsentPages(pages);
  }
  isAbsent(gfn: number): boolean { return this.machine.isPageAbsent(this.hostPage(gfn)); }
  private gfnOf(hpa: bigint): number {
    this.gfnOfHost ??= new Map(this.vm.p2m.frames.map((f, i) => [f, i]));
    const g = this.gfnOfHost.get(hpa & ~0xfffn);
    if (g === undefined) throw new Error(`host page 0x${hpa.toString(16)} is not the VM's`);
    return g;
  }

  quiesce(): void { this.vmm.quiesceVm?.(this.vm); }

  saveState(): MigratedState {
    const vm = this.vm;
    return {
      vmm: this.vmm.saveVm(vm),
      parts: this.vmm.saveParts?.(vm),
      devices: { timerDeadline: vm.timerDeadline, console: base64(vm.consoleLog.bytes()), consoleDropped: vm.consoleLog.dropped },
      clock: { mtime: this.machine.time, stopEpochMs: epochMs(), words: this.machine.clockWords() },
    };
  }

  restoreState(s: MigratedState): void {
    if (!s.vmm || !s.devices) throw new StreamError(`the stream has no ${s.vmm ? 'DEVICES' : 'VMM'} record: a VM under ${this.strategy} needs one`);
    try {
      const devices = new StateReader(s.devices, 'DEVICES');
      const timerDeadline = devices.u64('timerDeadline');
      const console = devices.bytes('console', MAX_CONSOLE * 2);
      const dropped = devices.int('consoleDropped', 0, Number.MAX_SAFE_INTEGER);
      const parts: Partial<Record<StatePart, StateReader>> = {};
      for (const p of this.stateParts) {
        const r = s.parts?.[p], record = p.toUpperCase().replace('-', '_');
        if (!r) throw new StreamError(`the stream has no ${record} record: a VM under ${this.strategy} needs one`);
        parts[p] = new StateReader(r, record);
      }
      this.vmm.restoreVm(this.vm, new StateReader(s.vmm, `VMM (${this.strategy})`), parts);
      this.machine.setClockWords(s.clock.words);
      this.vm.timerDeadline = timerDeadline;
      // The output so far, kept as the source kept it (not output again here).
      this.vm.consoleLog.write(console);
      this.vm.consoleLog.flush();
      this.vm.consoleLog.dropped += dropped;
      this.output.length = 0;
    } catch (e) {
      if (e instanceof MigrationStateError) throw new StreamError(e.message);
      throw e;
    }
  }

  resumeClock(clock: Clock, now: number): void { resumeWallClock(this.machine, clock, now); }
  resumed(): void { this.vmm.resumedVm?.(this.vm); }
  destroy(): void { this.dirtyLog.stop(); this.vm.destroy(); }
}

