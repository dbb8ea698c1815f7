/**
 * Borrowed Virtual Time (Duda & Cheriton, SOSP'99), as Xen 2.0's sched_bvt.c (Rolf Neugebauer,
 * Keir Fraser, Mark Williamson). Each vCPU's actual virtual time (AVT) advances while it runs by
 * its mcu_advance (the inverse of its weight) per minimum charging unit (MCU, 100 µs, rounded
 * up); the vCPU with the lowest effective virtual time (EVT) runs. A latency-sensitive vCPU may
 * warp: its EVT is its AVT minus the warp value, for at most the warp limit of running, after which
 * it must run unwarped for the unwarp requirement before it warps again. The context-switch
 * allowance C lets the running vCPU run until its EVT exceeds the next one's by C, so that equal
 * vCPUs do not switch every MCU. A waking vCPU's AVT is brought up to the pCPU's system virtual
 * time (the lowest AVT of the runnable), so sleeping earns it no credit.
 *
 * One fix against Xen 2.0: the time a vCPU may run, (EVT difference / mcu_advance) + C, adds a
 * count of MCUs to nanoseconds there; here the MCUs are converted to time, as the paper intends.
 * Virtual times do not wrap (Xen 2.0 used 32 bits and rebased them near 0xf0000000).
 */
import type { Decision, SchedContext, SchedVcpu, Scheduler, SchedulerKind, Timer } from '../scheduler.js';
import { num, type Params, type ParamSpecs } from '../params.js';
import { perPcpu } from '../entitlement.js';
import { MS, US } from '../time.js';

const SRC = 'Xen 2.0 xen/common/sched_bvt.c';
/** Minimum charging unit. */
const MCU = 100 * US;

const HOST: ParamSpecs = {
  ctxAllowMs: { default: 5, kind: 'number', min: 0.1, max: 1000, source: `${SRC}: ctx_allow = MILLISECS(5)`, about: 'context-switch allowance C' },
};
const VM: ParamSpecs = {
  mcuAdvance: { default: 10, kind: 'int', min: 1, max: 10_000, source: `${SRC}: MCU_ADVANCE (10)`, about: 'virtual time per MCU run: the inverse of the weight' },
  warp: { default: false, kind: 'bool', source: `${SRC}: bvt_add_task, warpback = 0`, about: 'may warp (warpback)' },
  warpValue: { default: 0, kind: 'int', min: 0, max: 1e9, source: `${SRC}: bvt_add_task, warp_value = 0`, about: 'how far back a warped vCPU\'s EVT goes (units of mcu_advance per MCU)' },
  warpLimitMs: { default: 2000, kind: 'number', min: 0, max: 1e6, source: `${SRC}: bvt_add_task, warpl = MILLISECS(2000)`, about: 'longest it runs warped (0: no limit)' },
  unwarpMs: { default: 1000, kind: 'number', min: 0, max: 1e6, source: `${SRC}: bvt_add_task, warpu = MILLISECS(1000)`, about: 'how long it runs unwarped before warping again' },
};

interface Info {
  v: SchedVcpu;
  mcuAdvance: number;
  avt: number;
  evt: number;
  /** warpback: warping is enabled; warp: it is warped now. */
  warpBack: boolean;
  warp: boolean;
  warpValue: number;
  warpLimit: number;
  unwarp: number;
  warpTimer: Timer | undefined;
  unwarpTimer: Timer | undefined;
  /** When it was last scheduled in. */
  lastSched: number;
  queued: boolean;
}

class Bvt implements Scheduler {
  readonly name = 'bvt';
  private ctx!: SchedContext;
  private readonly infos = new Map<number, Info>();
  private queues: Info[][] = [];
  private svt: number[] = [];

  constructor(private readonly ctxAllow: number) {}

  attach(ctx: SchedContext): void {
    this.ctx = ctx;
    this.queues = Array.from({ length: ctx.pcpus }, () => []);
    this.svt = new Array(ctx.pcpus).fill(0);
  }

  insert(v: SchedVcpu, now: number): void {
    const p = v.params;
    const warpBack = p.warp as boolean;
    this.infos.set(v.id, {
      v, mcuAdvance: num(p, 'mcuAdvance'), avt: this.svt[v.pcpu], evt: this.svt[v.pcpu], warpBack, warp: warpBack, warpValue: num(p, 'warpValue'),
      warpLimit: num(p, 'warpLimitMs') * MS, unwarp: num(p, 'unwarpMs') * MS, warpTimer: undefined, unwarpTimer: undefined, lastSched: now, queued: false,
    });
    this.wake(v, now);
  }

  remove(v: SchedVcpu): void {
    const i = this.info(v);
    this.dequeue(i);
    i.warpTimer?.cancel();
    i.unwarpTimer?.cancel();
    this.infos.delete(v.id);
  }

  sleep(v: SchedVcpu): void {
    if (this.ctx.current(v.pcpu) === v) this.ctx.tickle(v.pcpu);
    else this.dequeue(this.info(v));
  }

  /** bvt_wake: at the pCPU's system virtual time at least; preempts if its EVT is no higher than the current one's. */
  wake(v: SchedVcpu, now: number): void {
    const i = this.info(v), cpu = v.pcpu;
    if (i.queued) return;
    this.queues[cpu].unshift(i);
    i.queued = true;
    if (i.avt < this.svt[cpu]) i.avt = this.svt[cpu];
    i.evt = this.evtOf(i, i.avt);
    const cur = this.ctx.current(cpu);
    if (!cur) { this.ctx.tickle(cpu); return; }
    const c = this.info(cur), curEvt = this.evtOf(c, this.avtAt(c, now));
    if (i.evt <= curEvt) this.ctx.tickle(cpu);
    else this.ctx.shortenSlice(cpu, c.lastSched + this.runTime(i.evt - curEvt, c.mcuAdvance));
  }

  /** bvt_do_schedule: charge the one that ran, run the lowest EVT until it passes the second lowest by C. */
  schedule(cpu: number, now: number): Decision {
    const q = this.queues[cpu], cur = this.ctx.current(cpu);
    if (cur) {
      const c = this.info(cur);
      c.avt = this.avtAt(c, now);
      c.evt = this.evtOf(c, c.avt);
      if (c.warpBack && c.warpLimit > 0) { c.warpTimer?.cancel(); c.warpTimer = undefined; }
      this.dequeue(c);
      if (cur.runnable) { q.push(c); c.queued = true; }
    }
    let next: Info | undefined, second: Info | undefined;
    for (const i of q) {
      if (!next || i.evt < next.evt) { second = next; next = i; }
      else if (!second || i.evt < second.evt) second = i;
    }
    if (q.length) this.svt[cpu] = Math.min(...q.map((i) => i.avt));
    if (!next) return { next: undefined, until: Infinity };
    if (next.warp && next.warpLimit > 0) {
      const n = next;
      n.warpTimer = this.ctx.setTimer(now + n.warpLimit, (t) => this.warpExpired(n, t));
    }
    next.lastSched = now;
    const r = second ? this.runTime(second.evt - next.evt, next.mcuAdvance) : 10 * this.ctxAllow;
    return { next: next.v, until: now + r };
  }

  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number> {
    const weight = new Map(vcpus.map((v) => [v.id, 1 / num(v.params, 'mcuAdvance')]));
    return perPcpu(vcpus, (id) => ({ id, weight: weight.get(id)!, limit: 1 }));
  }

  /** warp_timer_fn: it ran warped for the warp limit; unwarped until the unwarp requirement has passed. */
  private warpExpired(i: Info, now: number): void {
    i.warpTimer = undefined;
    i.warp = false;
    if (i.unwarp === 0) { i.warpBack = false; this.ctx.tickle(i.v.pcpu); }
    i.unwarpTimer?.cancel();
    i.unwarpTimer = this.ctx.setTimer(now + i.unwarp, () => {
      i.unwarpTimer = undefined;
      if (i.warpBack) { i.warp = true; this.ctx.tickle(i.v.pcpu); }
    });
  }

  /** calc_avt: AVT plus mcu_advance for every MCU (rounded up) run since it was scheduled in. */
  private avtAt(i: Info, now: number): number { return i.avt + Math.ceil((now - i.lastSched) / MCU) * i.mcuAdvance; }
  private evtOf(i: Info, avt: number): number { return i.warp ? avt - i.warpValue : avt; }
  /** How long a vCPU of `mcuAdvance` runs to gain `evtGap` of virtual time, plus the allowance. */
  private runTime(evtGap: number, mcuAdvance: number): number { return (evtGap / mcuAdvance) * MCU + this.ctxAllow; }

  private dequeue(i: Info): void {
    if (!i.queued) return;
    const q = this.queues[i.v.pcpu];
    q.splice(q.indexOf(i), 1);
    i.queued = false;
  }
  private info(v: SchedVcpu): Info { return this.infos.get(v.id)!; }
}

export const bvt: SchedulerKind = {
  name: 'bvt',
  about: 'Borrowed Virtual Time (Xen 2.0/3.0): weights as mcu_advance, warp for latency',
  hostParams: HOST,
  vmParams: VM,
  create: (p: Params) => new Bvt(num(p, 'ctxAllowMs') * MS),
};
