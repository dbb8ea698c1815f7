/**
 * A bare machine as a migrating VM: guest page i is machine page i, and the state besides RAM is
 * the whole hart and its devices (`Machine.saveHart`).
 */
import { Machine, RAM_BASE, CLOCK_FIELDS } from '../../../bindings/machine.js';
import { GuestDirtyLog, testBit, type PageBitmap } from '../../vmm/dirty-log.js';
import { StreamError } from '../stream/format.js';
import type { Clock } from '../stream/records.js';
import { epochMs, type HostedVm, type MigratedState, type SliceResult } from './hosted.js';
import { attachDevices, serveMmio } from '../../machine/devices.js';
import type { MmioBus } from '../../vdev/bus.js';

const PAGE = 4096;

export class BareVm implements HostedVm {
  readonly strategy = 'native';
  readonly dirtyLog: GuestDirtyLog;
  readonly postcopy = true;
  readonly stateParts = [] as const;
  private readonly decoder = new TextDecoder();
  /** QEMU virt's eight virtio-mmio transports, none with a device: stateless, so nothing to migrate. */
  private readonly bus: MmioBus;
  constructor(readonly machine: Machine) {
    this.dirtyLog = GuestDirtyLog.forMachine(machine);
    this.bus = attachDevices(machine);
  }

  /** A fresh machine to receive a VM of `ramBytes`. */
  static async create(ramBytes: number): Promise<BareVm> { return new BareVm(await Machine.create({ ramBytes })); }

  get ramBytes(): number { return this.machine.ramBytes; }
  get pages(): number { return this.machine.ramBytes / PAGE; }
  get time(): bigint { return this.machine.time; }

  run(instructions: number): SliceResult {
    const e = this.machine.run(instructions);
    switch (e.reason) {
      case 'budget': case 'console': return { kind: 'running' };
      case 'mmio': serveMmio(this.machine, this.bus, e); return { kind: 'running' }; // a probe of the transports: the slice ends early
      case 'halt': return { kind: 'halt', code: e.code ?? 0 };
      case 'not-present': return { kind: 'not-present', gfn: Number((e.pa! - RAM_BASE) / 4096n) };
      default: return { kind: 'crash', why: `exit ${e.reason} at pc 0x${e.pc.toString(16)}` };
    }
  }

  takeOutput(): string { return this.decoder.decode(this.machine.drainConsole(), { stream: true }); }
  readPage(gfn: number): Uint8Array { return this.machine.pageView(gfn); }
  writePage(gfn: number, data: Uint8Array): void { this.machine.writePage(gfn, data); }
  setAbsent(bits: PageBitmap): void {
    const pages: number[] = [];
    for (let g = 0; g < this.pages; g++) if (testBit(bits, g)) pages.push(g);
    this.machine.setAbsentPages(pages);
  }
  isAbsent(gfn: number): boolean { return this.machine.isPageAbsent(gfn); }

  /** A bare machine stops between two instructions, with nothing half done. */
  quiesce(): void {}
  saveState(): MigratedState {
    return { hart: this.machine.saveHart(), clock: { mtime: this.machine.time, stopEpochMs: epochMs(), words: this.machine.clockWords() } };
  }
  restoreState(s: MigratedState): void {
    if (!s.hart) throw new StreamError('the stream has no HART record: a bare machine needs one');
    try { this.machine.restoreHart(s.hart); } catch (e) { throw new StreamError(`HART: ${(e as Error).message}`); }
  }
  resumeClock(clock: Clock, now: number): void { resumeWallClock(this.machine, clock, now); }
  resumed(): void {}
  destroy(): void { this.dirtyLog.stop(); }
}

/**
 * With the host clock as timebase, mtime on this machine would jump to this process's clock: it
 * goes on instead from the source's value at the stop, plus the downtime. (With the instruction
 * timebase the migrated counters already make it exact.)
 */
export function resumeWallClock(m: Machine, clock: Clock, now: number): void {
  if (m.clockWords()[CLOCK_FIELDS.indexOf('wallClock')] === 0n) return;
  m.time = clock.mtime + BigInt(Math.max(0, Math.round((now - clock.stopEpochMs) * 10_000)));
}
