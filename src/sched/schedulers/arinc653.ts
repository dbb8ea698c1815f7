/**
 * ARINC 653, Xen's (xen/common/sched/arinc653.c, DornerWorks, 2010, from Xen 4.0): a static,
 * cyclic schedule for partitioned systems. A major frame is divided into minor frames, each
 * giving one VM a fixed run time; they run in table order, whatever else is runnable, and a VM
 * that is blocked in its own minor frame leaves the pCPU idle. Time after the last minor frame
 * up to the end of the major frame is idle. A schedule is checked as arinc653_sched_set checks it
 * (EINVAL otherwise): a positive major frame, 1 to 64 entries (ARINC653_MAX_DOMAINS_PER_SCHEDULE
 * in public/sysctl.h), each with a positive run time, all of them fitting in the major frame.
 *
 * Xen keeps one schedule index for the whole cpupool and runs a unit only on its own pCPU, so an
 * ARINC 653 pool is in effect one pCPU: every VM is placed on pCPU 0 here, other pCPUs idle.
 */
import type { Decision, SchedContext, SchedVcpu, Scheduler, SchedulerKind } from '../scheduler.js';
import { ScenarioError, type Params } from '../params.js';
import { MS } from '../time.js';

/** Xen gives each of dom0's vCPUs a minor frame of DEFAULT_TIMESLICE (10 ms); a VM without a table gets the same here. */
const DEFAULT_RUNTIME_MS = 10;
const MAX_ENTRIES = 64;

export interface Arinc653Schedule { majorFrame: number; entries: { vm: string; runtime: number }[] }

/** arinc653_sched_set's checks (times in ns). */
export function validateSchedule(s: Arinc653Schedule): string | undefined {
  if (!(s.majorFrame > 0)) return 'the major frame must be longer than 0';
  if (s.entries.length < 1 || s.entries.length > MAX_ENTRIES) return `a schedule has 1 to ${MAX_ENTRIES} entries, not ${s.entries.length}`;
  const bad = s.entries.findIndex((e) => !(e.runtime > 0));
  if (bad >= 0) return `entry ${bad}: the run time must be longer than 0`;
  const total = s.entries.reduce((a, e) => a + e.runtime, 0);
  if (total > s.majorFrame) return `the minor frames (${total / MS} ms in all) do not fit in the major frame (${s.majorFrame / MS} ms)`;
  return undefined;
}

class Arinc653 implements Scheduler {
  readonly name = 'arinc653';
  private ctx!: SchedContext;
  private readonly awake = new Set<number>();
  private readonly byName = new Map<string, SchedVcpu>();
  private index = 0;
  private nextSwitch = 0;
  private nextMajorFrame = 0;

  constructor(private readonly table: Arinc653Schedule) {}

  attach(ctx: SchedContext): void { this.ctx = ctx; }
  insert(v: SchedVcpu): void { v.pcpu = 0; this.byName.set(v.name, v); this.wake(v); }
  remove(v: SchedVcpu): void { this.awake.delete(v.id); this.byName.delete(v.name); }
  sleep(v: SchedVcpu): void { this.awake.delete(v.id); if (this.ctx.current(0) === v) this.ctx.tickle(0); }
  wake(v: SchedVcpu): void { this.awake.add(v.id); this.ctx.tickle(0); }

  /** a653sched_do_schedule: the minor frame `now` falls in, its VM if it can run, until the frame ends. */
  schedule(cpu: number, now: number): Decision {
    if (cpu !== 0) return { next: undefined, until: Infinity };
    const e = this.table.entries, n = e.length;
    if (now >= this.nextMajorFrame) {
      this.index = 0;
      this.nextMajorFrame = now + this.table.majorFrame;
      this.nextSwitch = now + e[0].runtime;
    } else {
      while (now >= this.nextSwitch && this.index < n) {
        this.index++;
        if (this.index < n) this.nextSwitch += e[this.index].runtime;
      }
    }
    if (this.index >= n) this.nextSwitch = this.nextMajorFrame;
    const v = this.index < n ? this.byName.get(e[this.index].vm) : undefined;
    const next = v && this.awake.has(v.id) && v.runnable ? v : undefined;
    return { next, until: this.nextSwitch };
  }

  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number> {
    return new Map(vcpus.map((v) => [v.id, this.table.entries.filter((x) => x.vm === v.name).reduce((a, x) => a + x.runtime, 0) / this.table.majorFrame]));
  }
}

/** The scenario's `scheduler.schedule` ({ majorFrameMs, frames: [{ vm, runtimeMs }] }), or the default table. */
function readTable(raw: unknown, vmNames: readonly string[]): Arinc653Schedule {
  if (raw === undefined) {
    return { majorFrame: DEFAULT_RUNTIME_MS * MS * vmNames.length, entries: vmNames.map((vm) => ({ vm, runtime: DEFAULT_RUNTIME_MS * MS })) };
  }
  const path = 'scheduler.schedule';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(`${path}: must be an object { majorFrameMs, frames: [{ vm, runtimeMs }] }`);
  const o = raw as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => k !== 'majorFrameMs' && k !== 'frames');
  if (extra) throw new ScenarioError(`${path}.${extra}: unknown field (known: majorFrameMs, frames)`);
  if (typeof o.majorFrameMs !== 'number' || !Number.isFinite(o.majorFrameMs)) throw new ScenarioError(`${path}.majorFrameMs: must be a number of milliseconds`);
  if (!Array.isArray(o.frames)) throw new ScenarioError(`${path}.frames: must be an array of { vm, runtimeMs }`);
  const entries = o.frames.map((f, i) => {
    const fp = `${path}.frames[${i}]`;
    if (typeof f !== 'object' || f === null) throw new ScenarioError(`${fp}: must be an object { vm, runtimeMs }`);
    const { vm, runtimeMs } = f as Record<string, unknown>;
    if (typeof vm !== 'string' || !vmNames.includes(vm)) throw new ScenarioError(`${fp}.vm: ${JSON.stringify(vm)} is not one of the VMs (${vmNames.join(', ')})`);
    if (typeof runtimeMs !== 'number' || !Number.isFinite(runtimeMs)) throw new ScenarioError(`${fp}.runtimeMs: must be a number of milliseconds`);
    return { vm, runtime: runtimeMs * MS };
  });
  const table = { majorFrame: o.majorFrameMs * MS, entries };
  const why = validateSchedule(table);
  if (why) throw new ScenarioError(`${path}: refused as Xen refuses it (EINVAL): ${why}`);
  return table;
}

export const arinc653: SchedulerKind = {
  name: 'arinc653',
  about: 'ARINC 653 (Xen 4.0+): a static major frame of minor frames',
  hostParams: {},
  vmParams: {},
  hostTables: ['schedule'],
  create: (_p: Params, _pcpus: number, raw: Record<string, unknown>, vmNames: readonly string[]) => new Arinc653(readTable(raw.schedule, vmNames)),
};
