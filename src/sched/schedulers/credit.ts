/**
 * Credit, Xen's default scheduler from 3.0 to 4.11 (xen/common/sched/credit.c, Emmanuel Ackaouy),
 * for one-vCPU VMs. Every 30 ms (the accounting period, one time slice) the master pCPU hands out
 * 10 credits per millisecond of host capacity, in proportion to weight among the active VMs, no
 * more than a cap allows; running burns credits at the same rate. A vCPU with credit left is
 * UNDER, one in debt OVER; UNDER runs first, round robin for 30 ms slices. A vCPU that wakes from
 * blocking while UNDER is BOOSTed above both, and preempts (Ongaro et al., VEE'08, measure what it
 * does for I/O); the 10 ms tick ends a boost, burns credits and may move a vCPU to an idle pCPU. A
 * pCPU about to run an OVER vCPU (or nothing) first steals a higher-priority one from another
 * pCPU's queue: the load balancing across pCPUs. A capped VM in debt beyond its cap is parked
 * (paused) until accounting brings it back to credit.
 *
 * The order of operations, the rounding of every division and the bounds are Xen's; what is left
 * out is what needs more than one vCPU per VM or a CPU topology (affinity, SMT siblings, NUMA
 * nodes: every pCPU here is its own core), and the yield flag (minios does not yield to Xen).
 */
import type { Decision, SchedContext, SchedVcpu, Scheduler, SchedulerKind, Timer } from '../scheduler.js';
import { num, type Params, type ParamSpecs } from '../params.js';
import { waterFill } from '../entitlement.js';
import { MS, US } from '../time.js';

const SRC = 'xen/common/sched/credit.c';
const CREDITS_PER_MSEC = 10;
const TICKS_PER_TSLICE = 3;
/** Xen never sets a timer shorter than XEN_SYSCTL_SCHED_RATELIMIT_MIN (100 µs). */
const MIN_TIMER = 100 * US;

const PRI_BOOST = 0, PRI_UNDER = -1, PRI_OVER = -2;

const HOST: ParamSpecs = {
  tsliceMs: { default: 30, kind: 'int', min: 1, max: 1000, source: `${SRC}: CSCHED_DEFAULT_TSLICE_MS; range XEN_SYSCTL_CSCHED_TSLICE_MIN/MAX`, about: 'time slice and accounting period; the tick is a third of it' },
  ratelimitUs: { default: 1000, kind: 'int', min: 0, max: 500_000, source: 'xen/common/sched/core.c: sched_ratelimit_us = SCHED_DEFAULT_RATELIMIT_US (1000)', about: 'a vCPU runs at least this long before it is preempted (0: off)' },
  migrationDelayUs: { default: 0, kind: 'int', min: 0, max: 100_000, source: `${SRC}: vcpu_migration_delay (0)`, about: 'a vCPU that ran this recently is cache-hot and not stolen' },
  boost: { default: true, kind: 'bool', source: `${SRC}: csched_unit_wake (always on in Xen; off reproduces the no-BOOST runs of Ongaro et al., VEE'08)`, about: 'BOOST waking vCPUs' },
};
const VM: ParamSpecs = {
  weight: { default: 256, kind: 'int', min: 1, max: 65535, source: `${SRC}: CSCHED_DEFAULT_WEIGHT`, about: 'relative share' },
  cap: { default: 0, kind: 'int', min: 0, max: 100, source: `${SRC}: csched_alloc_domdata (cap 0: none)`, about: 'most CPU in percent of one pCPU (0: no cap)' },
};

interface Unit {
  v: SchedVcpu;
  weight: number;
  cap: number;
  pri: number;
  credit: number;
  residual: number;
  /** v.cpuNs credits were last burned up to. */
  burnedNs: number;
  /** When it last started running (Xen's state_entry_time), and last was descheduled. */
  runningSince: number;
  lastSchedTime: number;
  active: boolean;
  parked: boolean;
  migrating: boolean;
  /** A pCPU the tick decided it would better run on. */
  moveTo: number | undefined;
  queued: boolean;
}

interface Pcpu { runq: Unit[]; ticker: Timer | undefined; sortEpoch: number; idle: boolean }

class Credit implements Scheduler {
  readonly name = 'credit';
  private ctx!: SchedContext;
  private readonly units = new Map<number, Unit>();
  private cpus: Pcpu[] = [];
  /** Active units in accounting order (Xen's active_sdom list; one unit per domain). */
  private active: Unit[] = [];
  private weight = 0;
  private credit = 0;
  private creditBalance = 0;
  private sortEpoch = 0;
  private lastTickleCpu = 0;
  private balanceBias = 0;
  private readonly tslice: number;
  private readonly creditsPerTslice: number;
  private readonly tickPeriod: number;
  private readonly ratelimit: number;
  private readonly migrationDelay: number;
  private readonly boost: boolean;

  constructor(p: Params) {
    const ms = num(p, 'tsliceMs');
    this.tslice = ms * MS;
    const ticks = ms < TICKS_PER_TSLICE ? 1 : TICKS_PER_TSLICE;
    this.tickPeriod = Math.floor((ms * 1000) / ticks) * US;
    this.creditsPerTslice = CREDITS_PER_MSEC * ms;
    this.ratelimit = Math.min(num(p, 'ratelimitUs') * US, this.tslice);
    this.migrationDelay = num(p, 'migrationDelayUs') * US;
    this.boost = p.boost as boolean;
  }

  attach(ctx: SchedContext, now: number): void {
    this.ctx = ctx;
    this.cpus = Array.from({ length: ctx.pcpus }, () => ({ runq: [], ticker: undefined, sortEpoch: 0, idle: true }));
    this.credit = this.creditsPerTslice * ctx.pcpus;
    ctx.setTimer(now + this.tslice, (t) => this.acct(t));
    for (let cpu = 0; cpu < ctx.pcpus; cpu++) this.startTicker(cpu, now + this.tickPeriod);
  }

  insert(v: SchedVcpu, now: number): void {
    const u: Unit = {
      v, weight: v.params.weight as number, cap: v.params.cap as number, pri: PRI_UNDER, credit: 0, residual: 0, burnedNs: v.cpuNs,
      runningSince: now, lastSchedTime: -Infinity, active: false, parked: false, migrating: false, moveTo: undefined, queued: false,
    };
    this.units.set(v.id, u);
    v.pcpu = this.pickCpu(u, v.pcpu);
    // A new domain is created paused and unpaused: its first wake-up.
    this.wake(v);
  }

  remove(v: SchedVcpu): void {
    const u = this.unit(v);
    if (u.queued) this.dequeue(u);
    u.parked = false;
    if (u.active) this.acctStop(u);
    this.units.delete(v.id);
  }

  sleep(v: SchedVcpu): void {
    const u = this.unit(v);
    if (this.ctx.current(v.pcpu) === v) this.ctx.tickle(v.pcpu);
    else if (u.queued) this.dequeue(u);
  }

  wake(v: SchedVcpu): void {
    const u = this.unit(v);
    if (this.ctx.current(v.pcpu) === v || u.queued) return;
    const migrating = u.migrating;
    u.migrating = false;
    // A vCPU that blocks and wakes a lot (I/O) stays BOOSTed; one that uses its slices loses the boost at the tick.
    if (this.boost && !migrating && u.pri === PRI_UNDER && !u.parked) u.pri = PRI_BOOST;
    this.enqueue(u);
    this.tickle(u);
  }

  schedule(cpu: number, now: number): Decision {
    const cur = this.ctx.current(cpu), scur = cur && this.unit(cur);
    if (scur) {
      this.burn(scur);
      scur.lastSchedTime = now;
      const runtime = now - scur.runningSince;
      if (this.ratelimit && this.runnable(scur) && scur.moveTo === undefined && runtime < this.ratelimit) {
        return { next: cur, until: now + (runtime < MIN_TIMER ? MIN_TIMER : this.ratelimit - runtime) };
      }
      if (scur.moveTo !== undefined) this.migrate(scur);
      else if (this.runnable(scur)) this.enqueue(scur);
    }
    const next = this.pickNext(cpu, now);
    this.cpus[cpu].idle = next === undefined;
    if (next) next.runningSince = now;
    if (scur && !next) this.stopTicker(cpu);
    if (!scur && next) this.startTicker(cpu, now + this.tickPeriod - (now % this.tickPeriod));
    return { next: next?.v, until: next ? now + this.tslice : Infinity };
  }

  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number> {
    return waterFill(vcpus.map((v) => {
      const cap = v.params.cap as number;
      return { id: v.id, weight: v.params.weight as number, limit: cap ? Math.min(1, cap / 100) : 1 };
    }), this.ctx.pcpus);
  }

  // --- picking ---

  /** The head of the local queue; if that is OVER or nothing, a better vCPU stolen from a peer first. */
  private pickNext(cpu: number, now: number): Unit | undefined {
    const head = this.cpus[cpu].runq[0];
    if (head && head.pri > PRI_OVER) { this.dequeue(head); return head; }
    const stolen = this.steal(cpu, head?.pri ?? -Infinity, now);
    if (stolen) return stolen;
    if (head) this.dequeue(head);
    return head;
  }

  /** csched_load_balance: the first peer (from the balance bias on) with a queued unit of strictly higher priority. */
  private steal(cpu: number, pri: number, now: number): Unit | undefined {
    const n = this.cpus.length;
    for (let k = 1; k <= n; k++) {
      const peer = (this.balanceBias + k) % n;
      if (peer === cpu || this.cpus[peer].idle || this.nrRunnable(peer) <= 1) continue;
      for (const s of this.cpus[peer].runq) {
        if (s.pri <= pri) break;
        if (now - s.lastSchedTime < this.migrationDelay) continue; // cache-hot on its pCPU
        this.dequeue(s);
        s.v.pcpu = cpu;
        this.balanceBias = peer;
        return s;
      }
    }
    return undefined;
  }

  /** _csched_cpu_pick on a flat topology: the vCPU's own pCPU if it is idle, else an idle one, else its own. */
  private pickCpu(u: Unit, own: number): number {
    const idlers = this.cpus.map((c, i) => (c.idle || (i === own && this.cpus[i].runq.length === 0 && this.ctx.current(i) === u.v) ? i : -1)).filter((i) => i >= 0);
    if (idlers.includes(own) || idlers.length === 0) return own;
    return idlers.find((i) => i > own) ?? idlers[0];
  }

  /** __runq_tickle: preempt the vCPU's pCPU if it idles or runs something less urgent and no pCPU idles; else wake one idler. */
  private tickle(u: Unit): void {
    const cpu = u.v.pcpu, cur = this.ctx.current(cpu);
    const idlers = this.cpus.map((c, i) => (c.idle ? i : -1)).filter((i) => i >= 0);
    let target: number | undefined;
    if (!cur || (idlers.length === 0 && u.pri > this.unit(cur).pri)) target = cpu;
    else if (idlers.length) {
      this.lastTickleCpu = idlers.find((i) => i > this.lastTickleCpu) ?? idlers[0];
      target = this.lastTickleCpu;
    }
    if (target === undefined) return;
    this.cpus[target].idle = false;
    this.ctx.tickle(target);
  }

  // --- accounting ---

  /**
   * burn_credits: 10 credits per ms of CPU time since the last burn, the remainder carried to the
   * next. (Xen measures the time as now - start_time and carries the remainder both in `residual`
   * and by advancing start_time only by whole credits, so it over-burns by up to a credit per
   * call; here the CPU time the host measured is burned once.)
   */
  private burn(u: Unit): void {
    const delta = u.v.cpuNs - u.burnedNs;
    if (delta <= 0) return;
    const val = delta * CREDITS_PER_MSEC + u.residual;
    const credits = Math.floor(val / MS);
    u.residual = val - credits * MS;
    u.credit -= credits;
    u.burnedNs = u.v.cpuNs;
  }

  /** The tick: accounting for the running vCPU, and the queue sorted after an accounting round. */
  private tick(cpu: number, now: number): void {
    const cur = this.ctx.current(cpu);
    if (cur) this.unitAcct(cpu, this.unit(cur));
    this.sortRunq(cpu);
    this.startTicker(cpu, now + this.tickPeriod);
  }

  /** csched_unit_acct: end its boost, burn, join the active list, or move to an idle pCPU. */
  private unitAcct(cpu: number, u: Unit): void {
    if (u.pri === PRI_BOOST) u.pri = PRI_UNDER;
    this.burn(u);
    if (!u.active) { this.acctStart(u); return; }
    const better = this.pickCpu(u, cpu);
    if (better !== cpu) { u.moveTo = better; this.ctx.tickle(cpu); }
  }

  private acctStart(u: Unit): void {
    u.active = true;
    this.active.unshift(u);
    this.weight += u.weight;
  }
  private acctStop(u: Unit): void {
    u.active = false;
    this.active.splice(this.active.indexOf(u), 1);
    this.weight -= u.weight;
  }

  /** csched_acct: credits for the next period, priorities, parking of capped vCPUs in debt. */
  private acct(now: number): void {
    this.ctx.setTimer(now + this.tslice, (t) => this.acct(t));
    const weightTotal = this.weight;
    let creditTotal = this.credit;
    if (this.creditBalance < 0) creditTotal -= this.creditBalance;
    if (weightTotal === 0) { this.creditBalance = 0; return; }
    let weightLeft = weightTotal, creditBalance = 0, creditXtra = false;
    const cpts = this.creditsPerTslice;
    for (const u of [...this.active]) {
      weightLeft -= u.weight;
      let creditPeak = cpts;
      if (this.creditBalance < 0) creditPeak += ceilDiv(-this.creditBalance * u.weight, weightTotal);
      let creditCap = 0;
      if (u.cap !== 0) {
        creditCap = ceilDiv(u.cap * cpts, 100);
        if (creditCap < creditPeak) creditPeak = creditCap;
      }
      let creditFair = ceilDiv(creditTotal * u.weight, weightTotal);
      if (creditFair < creditPeak) creditXtra = true;
      else {
        if (weightLeft !== 0) creditTotal += ceilDiv((creditFair - creditPeak) * weightTotal, weightLeft);
        if (creditXtra) { this.active.splice(this.active.indexOf(u), 1); this.active.unshift(u); }
        creditFair = creditPeak;
      }
      u.credit += creditFair;
      if (u.credit < 0) {
        u.pri = PRI_OVER;
        if (u.cap !== 0 && u.credit < -creditCap && !u.parked) this.park(u);
        if (u.credit < -cpts) u.credit = -cpts;
      } else {
        u.pri = PRI_UNDER;
        if (u.parked) this.unpark(u);
        if (u.credit > cpts) { this.acctStop(u); u.credit = Math.trunc(u.credit / 2); }
      }
      creditBalance += u.credit;
    }
    this.creditBalance = creditBalance;
    this.sortEpoch++;
  }

  /** A capped vCPU in debt is paused (Xen: sched_unit_pause_nosync). */
  private park(u: Unit): void {
    u.parked = true;
    if (this.ctx.current(u.v.pcpu) === u.v) this.ctx.tickle(u.v.pcpu);
    else if (u.queued) this.dequeue(u);
  }
  /** ... and unpaused when back in credit; the flag is cleared after the wake-up, so it is not boosted. */
  private unpark(u: Unit): void {
    if (u.v.runnable && !u.queued && this.ctx.current(u.v.pcpu) !== u.v) this.wake(u.v);
    u.parked = false;
  }

  // --- queues ---

  /** Behind every unit of the same or higher priority. */
  private enqueue(u: Unit): void {
    const q = this.cpus[u.v.pcpu].runq;
    const i = q.findIndex((x) => u.pri > x.pri);
    q.splice(i < 0 ? q.length : i, 0, u);
    u.queued = true;
  }
  private dequeue(u: Unit): void {
    const q = this.cpus[u.v.pcpu].runq;
    q.splice(q.indexOf(u), 1);
    u.queued = false;
  }
  /** csched_runq_sort: after accounting, UNDER (and BOOST) units move ahead of OVER ones, in order. */
  private sortRunq(cpu: number): void {
    const c = this.cpus[cpu];
    if (c.sortEpoch === this.sortEpoch) return;
    c.sortEpoch = this.sortEpoch;
    c.runq = [...c.runq.filter((u) => u.pri >= PRI_UNDER), ...c.runq.filter((u) => u.pri < PRI_UNDER)];
  }
  /** The running vCPU, told at the tick it would do better elsewhere, goes to that pCPU's queue. */
  private migrate(u: Unit): void {
    const to = u.moveTo!;
    u.moveTo = undefined;
    if (!this.runnable(u)) return;
    u.v.pcpu = to;
    u.migrating = true;
    this.wake(u.v);
  }

  private nrRunnable(cpu: number): number {
    const cur = this.ctx.current(cpu);
    return this.cpus[cpu].runq.length + (cur && this.runnable(this.unit(cur)) ? 1 : 0);
  }
  private runnable(u: Unit): boolean { return u.v.runnable && !u.parked; }
  private unit(v: SchedVcpu): Unit { return this.units.get(v.id)!; }

  private startTicker(cpu: number, at: number): void {
    this.cpus[cpu].ticker?.cancel();
    this.cpus[cpu].ticker = this.ctx.setTimer(at, (t) => this.tick(cpu, t));
  }
  private stopTicker(cpu: number): void {
    this.cpus[cpu].ticker?.cancel();
    this.cpus[cpu].ticker = undefined;
  }
}

/** ⌈a / b⌉ for a ≥ 0, b > 0: Xen's (a + b - 1) / b. */
const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

export const credit: SchedulerKind = {
  name: 'credit',
  about: 'Credit (Xen 3.0-4.11 default): weights, caps, BOOST/UNDER/OVER, 30 ms slices, load balancing',
  hostParams: HOST,
  vmParams: VM,
  create: (p: Params) => new Credit(p),
};
