/**
 * Simple EDF, Xen 3.0's sched_sedf.c (Stephan Diestelhorst, 2004), with the variants Xen compiled
 * in: UNBLOCK_EXTRA_SUPPORT and EXTRA_BLOCK_WEIGHT. A VM reserves `slice` of CPU time in every
 * `period`; among those with slice left in their current period the earliest deadline runs
 * (`runq`), the others wait for their next period (`waitq`). Time nobody has reserved is extra
 * time, handed out in quanta of 500 µs: first to VMs that lost slice time by blocking (the penalty
 * queue, L0), then to every extratime-aware VM by weighted round robin (L1; a best-effort VM's
 * weight is its extraweight, a time-driven VM's its utilization). A VM that wakes within its
 * period gives up the rest of its slice until the next one and is compensated in extra time;
 * one that wakes after its deadline starts a new period at once.
 *
 * The latency hint: Xen 3.0 stores it but the compiled-in unblocking ignores it; here, as Xen's
 * UNBLOCK_BURST variant does, a VM with a latency hint that wakes after a long block runs with
 * its period shortened to the hint (its slice scaled to keep its utilization), doubling back to
 * its own period with every period it completes. Xen's weight-driven mode (sedf_adjust_weights)
 * is not implemented: VMs are time-driven (a slice) or best effort (slice 0, extraweight).
 */
import type { Decision, SchedContext, SchedVcpu, Scheduler, SchedulerKind } from '../scheduler.js';
import { num, ScenarioError, type Params, type ParamSpecs } from '../params.js';
import { perPcpu, waterFill } from '../entitlement.js';
import { MS, US } from '../time.js';

const SRC = 'Xen 3.0 xen/common/sched_sedf.c';
const EXTRA_QUANTUM = 500 * US;
const PEN = 0, UTIL = 1;

const VM: ParamSpecs = {
  periodMs: { default: 100, kind: 'number', min: 0.1, max: 10_000, source: `${SRC}: sedf_add_task, period = WEIGHT_PERIOD (100 ms) for a domU`, about: 'the period (relative deadline)' },
  sliceMs: { default: 0, kind: 'number', min: 0, max: 10_000, source: `${SRC}: sedf_add_task, slice = 0 (best effort) for a domU`, about: 'CPU time reserved in every period' },
  extratime: { default: true, kind: 'bool', source: `${SRC}: sedf_add_task, status = EXTRA_AWARE`, about: 'may run in time nobody reserved' },
  latencyMs: { default: 0, kind: 'number', min: 0, max: 10_000, source: `${SRC}: sedf_add_task, latency = 0`, about: 'period to use after waking from a long block (0: none)' },
  extraweight: { default: 1, kind: 'int', min: 1, max: 65535, source: `${SRC}: sedf_add_task, extraweight = 1 (128 = a full CPU's worth)`, about: 'weight in extra time of a best-effort VM (slice 0)' },
};

interface Info {
  v: SchedVcpu;
  period: number; slice: number; periodOrig: number; sliceOrig: number; latency: number;
  extraAware: boolean; extraweight: number;
  asleep: boolean; runPen: boolean; runUtil: boolean; wantPenQ: boolean;
  deadlAbs: number; schedStartAbs: number; cputime: number; blockAbs: number;
  score: [number, number];
  shortBlockLost: number;
  extraTime: number;
  list: 'runq' | 'waitq' | undefined;
  extra: [boolean, boolean];
}

interface Cpu { runq: Info[]; waitq: Info[]; extraq: [Info[], Info[]]; sliceExpires: number }

const periodBegin = (i: Info): number => i.deadlAbs - i.period;
/** C's int (a 32-bit score) from a quotient. */
const int32 = (x: number): number => Math.floor(x) | 0;

class Sedf implements Scheduler {
  readonly name = 'sedf';
  private ctx!: SchedContext;
  private readonly infos = new Map<number, Info>();
  private cpus: Cpu[] = [];

  attach(ctx: SchedContext): void {
    this.ctx = ctx;
    this.cpus = Array.from({ length: ctx.pcpus }, () => ({ runq: [], waitq: [], extraq: [[], []], sliceExpires: 0 }));
  }

  insert(v: SchedVcpu, now: number): void {
    const p = v.params, period = num(p, 'periodMs') * MS, slice = num(p, 'sliceMs') * MS;
    this.infos.set(v.id, {
      v, period, slice, periodOrig: period, sliceOrig: slice, latency: num(p, 'latencyMs') * MS,
      extraAware: p.extratime as boolean, extraweight: slice > 0 ? 0 : num(p, 'extraweight'),
      asleep: true, runPen: false, runUtil: false, wantPenQ: false,
      deadlAbs: 0, schedStartAbs: now, cputime: 0, blockAbs: 0, score: [0, 0], shortBlockLost: 0, extraTime: 0,
      list: undefined, extra: [false, false],
    });
    this.wake(v, now);
  }

  remove(v: SchedVcpu): void {
    const i = this.info(v);
    this.unlist(i);
    for (const q of [PEN, UTIL]) if (i.extra[q]) this.extraDel(i, q);
    this.infos.delete(v.id);
  }

  sleep(v: SchedVcpu): void {
    const i = this.info(v);
    i.asleep = true;
    if (this.ctx.current(v.pcpu) === v) { this.ctx.tickle(v.pcpu); return; }
    this.unlist(i);
    for (const q of [PEN, UTIL]) if (i.extra[q]) this.extraDel(i, q);
  }

  /** sedf_wake with UNBLOCK_EXTRA_SUPPORT (and the latency hint on long unblocks, see above). */
  wake(v: SchedVcpu, now: number): void {
    const i = this.info(v);
    if (i.list) return;
    i.asleep = false;
    if (i.deadlAbs === 0) i.deadlAbs = now + i.slice;
    if (now < periodBegin(i)) {
      if (i.wantPenQ && !i.extra[PEN]) this.extraAdd(i, PEN, 0);
    } else if (now < i.deadlAbs) {
      this.unblockShort(i);
    } else if (i.latency > 0 && i.period > i.latency) {
      i.period = i.latency;
      i.slice = (i.period * i.sliceOrig) / i.periodOrig;
      i.deadlAbs = now + i.period;
      i.cputime = 0;
    } else {
      i.deadlAbs = now + i.period;
      i.cputime = 0;
    }
    if (i.extraAware && !i.extra[UTIL]) this.extraAdd(i, UTIL, 0);
    this.enlist(i, periodBegin(i) > now ? 'waitq' : 'runq');
    if (this.shouldSwitch(v.pcpu, i)) this.ctx.tickle(v.pcpu);
  }

  schedule(cpu: number, now: number): Decision {
    const c = this.cpus[cpu], cur = this.ctx.current(cpu);
    if (cur) {
      const i = this.info(cur);
      if (!cur.runnable) i.asleep = true;
      if (i.asleep) i.blockAbs = now;
      if (i.runPen || i.runUtil) this.deschedExtra(i, now);
      else this.deschedEdf(i, now);
    }
    this.updateQueues(c, now);
    let next: Info | undefined, time: number;
    if (c.runq.length) {
      next = c.runq[0];
      time = next.slice - next.cputime;
      if (c.waitq.length) time = Math.min(now + time, periodBegin(c.waitq[0])) - now;
    } else if (c.waitq.length) {
      ({ next, time } = this.extraSchedule(c, now, periodBegin(c.waitq[0])));
    } else {
      return { next: undefined, until: Infinity };
    }
    if (time <= 0) time = EXTRA_QUANTUM; // Xen: "we are seriously BEHIND schedule"
    if (next) next.schedStartAbs = now;
    c.sliceExpires = now + time;
    return { next: next?.v, until: now + time };
  }

  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number> {
    const reserved = new Map(vcpus.map((v) => [v.id, num(v.params, 'sliceMs') / num(v.params, 'periodMs')]));
    const out = new Map<number, number>();
    for (const cpu of new Set(vcpus.map((v) => v.pcpu))) {
      const on = vcpus.filter((v) => v.pcpu === cpu);
      const left = Math.max(0, 1 - on.reduce((a, v) => a + reserved.get(v.id)!, 0));
      const extra = waterFill(on.filter((v) => v.params.extratime).map((v) => {
        const r = reserved.get(v.id)!;
        return { id: v.id, weight: r > 0 ? r : num(v.params, 'extraweight') / 128, limit: 1 - r };
      }), left);
      for (const v of on) out.set(v.id, reserved.get(v.id)! + (extra.get(v.id) ?? 0));
    }
    return out.size ? out : perPcpu(vcpus, (id) => ({ id, weight: 1, limit: 1 }));
  }

  // --- descheduling ---

  /** desched_edf_dom: charge the slice; a VM done with it waits for its next period. */
  private deschedEdf(i: Info, now: number): void {
    i.cputime += now - i.schedStartAbs;
    if (i.cputime < i.slice && !i.asleep) return;
    this.unlist(i);
    if (i.cputime >= i.slice) {
      i.cputime -= i.slice;
      if (i.period < i.periodOrig) { // latency scaling: back towards its own period
        i.period *= 2;
        i.slice *= 2;
        if (i.period > i.periodOrig || i.slice > i.sliceOrig) { i.period = i.periodOrig; i.slice = i.sliceOrig; }
      }
      i.deadlAbs += i.period;
    }
    if (!i.asleep) this.enlist(i, 'waitq');
    else for (const q of [PEN, UTIL]) if (i.extra[q]) this.extraDel(i, q);
  }

  /** desched_extra_dom: after an extra quantum, its new score and place (weighted round robin). */
  private deschedExtra(i: Info, now: number): void {
    const q = i.runPen ? PEN : UTIL;
    i.runPen = i.runUtil = false;
    i.cputime = 0;
    i.extraTime += now - i.schedStartAbs;
    this.extraDel(i, q);
    let oldScore = i.score[q], requeue = true;
    if (q === PEN) {
      i.shortBlockLost -= now - i.schedStartAbs;
      if (i.shortBlockLost <= 0) { i.shortBlockLost = 0; i.wantPenQ = false; requeue = false; } // compensated
      else { i.score[PEN] = int32((i.period * 1024) / i.shortBlockLost); oldScore = 0; }
    } else {
      i.score[UTIL] = i.extraweight ? int32((1 << 17) / i.extraweight) : int32((i.period * 1024) / i.slice);
    }
    if (!i.asleep) {
      if (requeue && ((i.extraAware && q === UTIL) || (i.wantPenQ && q === PEN))) this.extraAdd(i, q, oldScore);
    } else {
      this.unlist(i);
      const other = q === PEN ? UTIL : PEN;
      if (i.extra[other]) this.extraDel(i, other);
    }
  }

  /** update_queues: periods that began move to the run queue; missed deadlines get a fresh period. */
  private updateQueues(c: Cpu, now: number): void {
    for (const i of [...c.waitq]) {
      if (periodBegin(i) > now) break;
      this.unlist(i);
      this.enlist(i, 'runq');
    }
    for (const i of [...c.runq]) {
      if (i.slice === 0) {
        this.unlist(i);
        i.deadlAbs += i.period;
        if (periodBegin(i) < now) i.deadlAbs += Math.ceil((now - periodBegin(i)) / i.period) * i.period;
        this.enlist(i, 'waitq');
        continue;
      }
      if (!(i.deadlAbs < now || i.cputime > i.slice)) break;
      this.unlist(i);
      i.deadlAbs += i.period;
      if (i.deadlAbs < now) i.deadlAbs += Math.ceil((now - i.deadlAbs) / i.period) * i.period;
      i.cputime = 0;
      this.enlist(i, periodBegin(i) > now ? 'waitq' : 'runq');
    }
  }

  /** sedf_do_extra_schedule: a quantum for the penalty queue first, then the utilization queue; else idle until `end`. */
  private extraSchedule(c: Cpu, now: number, end: number): { next: Info | undefined; time: number } {
    if (end - now >= EXTRA_QUANTUM) {
      const pen = c.extraq[PEN][0], util = c.extraq[UTIL][0];
      if (pen) { pen.runPen = true; return { next: pen, time: EXTRA_QUANTUM }; }
      if (util) { util.runUtil = true; return { next: util, time: EXTRA_QUANTUM }; }
    }
    return { next: undefined, time: end - now };
  }

  /** unblock_short_extra_support: no more slice this period; what blocking cost it is owed in L0 extra time. */
  private unblockShort(i: Info): void {
    i.deadlAbs += i.period;
    if (i.blockAbs) {
      i.shortBlockLost = Math.max(0, i.slice - i.cputime);
      if (i.shortBlockLost) {
        i.score[PEN] = int32((i.period * 1024) / i.shortBlockLost);
        if (i.extra[PEN]) this.extraDel(i, PEN);
        else i.wantPenQ = true;
        this.extraAdd(i, PEN, 0);
      }
    }
    i.cputime = 0;
  }

  /** should_switch: whether a woken VM preempts what runs (EDF > L0 extra > L1 extra > idle). */
  private shouldSwitch(cpu: number, other: Info): boolean {
    const cur = this.ctx.current(cpu);
    if (!cur) return true;
    if (periodBegin(other) < this.cpus[cpu].sliceExpires) return true;
    const c = this.info(cur);
    if (c.runPen) return other.wantPenQ && other.score[PEN] < c.score[PEN];
    if (c.runUtil) return other.wantPenQ;
    return false;
  }

  // --- queues ---

  /** Sorted by deadline (runq) or period start (waitq); equal keys keep their order. */
  private enlist(i: Info, which: 'runq' | 'waitq'): void {
    const q = this.cpus[i.v.pcpu][which], key = which === 'runq' ? (x: Info) => x.deadlAbs : periodBegin;
    const at = q.findIndex((x) => key(i) < key(x));
    q.splice(at < 0 ? q.length : at, 0, i);
    i.list = which;
  }
  private unlist(i: Info): void {
    if (!i.list) return;
    const q = this.cpus[i.v.pcpu][i.list];
    q.splice(q.indexOf(i), 1);
    i.list = undefined;
  }
  /** extraq_add_sort_update: by score, lower first; every score on the queue drops by `sub` (no overflow). */
  private extraAdd(i: Info, which: number, sub: number): void {
    const q = this.cpus[i.v.pcpu].extraq[which];
    let at = q.length;
    for (let k = 0; k < q.length; k++) {
      q[k].score[which] -= sub;
      if (i.score[which] < q[k].score[which]) {
        at = k;
        if (sub) for (let j = k + 1; j < q.length; j++) q[j].score[which] -= sub;
        break;
      }
    }
    q.splice(at, 0, i);
    i.extra[which] = true;
  }
  private extraDel(i: Info, which: number): void {
    const q = this.cpus[i.v.pcpu].extraq[which];
    q.splice(q.indexOf(i), 1);
    i.extra[which] = false;
  }
  private info(v: SchedVcpu): Info { return this.infos.get(v.id)!; }
}

export const sedf: SchedulerKind = {
  name: 'sedf',
  about: 'simple EDF (Xen 3.0): period, slice, extratime, latency',
  hostParams: {},
  vmParams: VM,
  // sedf_add_task: "set dom0 to something useful to boot the machine"
  dom0Defaults: { periodMs: 20, sliceMs: 15 },
  checkVm: (p: Params, path: string) => {
    if (num(p, 'sliceMs') > num(p, 'periodMs')) throw new ScenarioError(`${path}.sliceMs: the slice (${p.sliceMs} ms) is longer than the period (${p.periodMs} ms)`);
  },
  create: () => new Sedf(),
};
