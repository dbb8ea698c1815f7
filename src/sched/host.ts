/**
 * A host with P physical CPUs running the vCPUs of V VMs under one scheduler, in virtual host time.
 *
 * How the P pCPUs are realised: the machine has one hart, and the host executes the pCPUs' work
 * on it in virtual-time order. Every pCPU has its own clock (how far it has run); the next step
 * always belongs to the pCPU furthest behind, and pending events (scheduler timers, guests' timer
 * deadlines, I/O completions) fire when every running pCPU has reached their time. A step runs the
 * pCPU's vCPU for at most one quantum (default 1 ms), and never past the next pending event or the
 * end of its slice, so a timer preempts at its own time. What this implies:
 * - A scheduling decision is taken at the pCPU's own time and sees every other pCPU's state as of
 *   its last step; an event that one pCPU's vCPU causes for another pCPU (a wake-up, a tickle)
 *   reaches it at most one quantum late. The host counts how late (`lateTickles`, `lateNs`).
 * - The pCPUs share the hart's TLB and walk caches: with P > 1 a vCPU finds them as the last step
 *   on the hart left them, which may have been another pCPU's. The TLB is tagged (VMID, ASID), so
 *   this changes only which entries are still warm, never a translation.
 * - Switching the hart between pCPUs is a cost of the simulation, not of the simulated host: only a
 *   vCPU switch on one pCPU is charged (one exit round trip of the cost model, `switchNs`).
 * With P = 1 none of this arises: the one pCPU's steps are its schedule.
 */
import { EventQueue } from './events.js';
import { HostVcpu, type VcpuBody } from './vcpu.js';
import type { Params } from './params.js';
import type { Decision, SchedContext, Scheduler, Timer } from './scheduler.js';
import { MS } from './time.js';

export interface HostOptions {
  pcpus: number;
  scheduler: Scheduler;
  /** Virtual time of one vCPU switch on a pCPU (ns). */
  switchNs: number;
  /** Longest step before the other pCPUs catch up (ns, default 1 ms). */
  quantumNs?: number;
  /** Width of the windows CPU time is recorded in (ns, default 10 ms). */
  windowNs?: number;
  /** Keep every run interval (for tests and schedules; default off). */
  trace?: boolean;
}

/** One stretch of a vCPU on a pCPU. */
export interface Interval { pcpu: number; vcpu: number; start: number; end: number }

export class Pcpu {
  clock = 0;
  current: HostVcpu | undefined;
  /** The vCPU whose state is loaded (Xen switches lazily: idling in between costs no switch). */
  lastRan: HostVcpu | undefined;
  sliceEnd = 0;
  needResched = true;
  parked = false;
  idleSince = 0;
  busyNs = 0;
  idleNs = 0;
  switchNs = 0;
  switches = 0;
  constructor(readonly id: number) {}
}

export class Host {
  readonly pcpus: Pcpu[];
  readonly vcpus: HostVcpu[] = [];
  readonly events = new EventQueue();
  readonly intervals: Interval[] = [];
  readonly quantumNs: number;
  readonly windowNs: number;
  /** Tickles that reached a pCPU which had already run past their time, and by how much in all. */
  lateTickles = 0;
  lateNs = 0;
  /** The virtual time the host has reached (every event before it has fired). */
  now = 0;
  private pendingWakes = 0;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: HostOptions) {
    if (!Number.isInteger(options.pcpus) || options.pcpus < 1) throw new RangeError(`a host needs at least one pCPU, not ${options.pcpus}`);
    this.pcpus = Array.from({ length: options.pcpus }, (_, i) => new Pcpu(i));
    this.quantumNs = options.quantumNs ?? MS;
    this.windowNs = options.windowNs ?? 10 * MS;
    this.scheduler = options.scheduler;
    this.scheduler.attach(this.context(), 0);
  }

  /** Adds a runnable vCPU now; `pcpu` is where it starts (a hint to the scheduler). */
  add(name: string, params: Params, body: VcpuBody, pcpu = this.vcpus.length % this.pcpus.length): HostVcpu {
    const v = new HostVcpu(this.vcpus.length, name, params, body, pcpu, this.now);
    this.vcpus.push(v);
    this.scheduler.insert(v, this.now);
    return v;
  }

  /** Wakes a blocked vCPU at time `at` (an event for it: an I/O completion, a notification). */
  wakeAt(v: HostVcpu, at: number): void {
    this.pendingWakes++;
    this.events.add(Math.max(at, this.now), (now) => { this.pendingWakes--; this.wake(v, now); });
  }

  /**
   * Runs until virtual time `until`, or until every guest vCPU has finished (service domains do
   * not count), or until none can run again (all blocked with nothing pending to wake them):
   * then it says `ended`.
   */
  run(until: number): 'until' | 'ended' {
    let why: 'until' | 'ended' = 'until';
    for (;;) {
      if (this.vcpus.every((v) => v.state === 'done' || v.body.service)) { why = 'ended'; break; }
      const p = this.behind();
      const tp = p ? p.clock : Infinity, te = this.events.peekTime();
      if (!p && this.pendingWakes === 0 && this.vcpus.every((v) => v.state !== 'runnable' || v.body.service)) { why = 'ended'; break; } // nothing can ever run again
      if (Math.min(tp, te) >= until) break;
      if (te <= tp) {
        const e = this.events.pop()!;
        this.now = e.at;
        e.fire(e.at);
        continue;
      }
      this.now = tp;
      this.step(p!, until);
    }
    this.finish(until);
    return why;
  }

  /**
   * run(until) in steps of `stepNs` of virtual time, giving the event loop a turn between them (a
   * long run in a worker or a page stays responsive). Same result as run(until).
   */
  async runInSteps(until: number, stepNs = 100 * MS): Promise<void> {
    for (let t = Math.min(until, this.now + stepNs); ; t = Math.min(until, t + stepNs)) {
      if (this.run(t) === 'ended' || t >= until) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** The running (not parked) pCPU furthest behind. */
  private behind(): Pcpu | undefined {
    let best: Pcpu | undefined;
    for (const p of this.pcpus) if (!p.parked && (!best || p.clock < best.clock)) best = p;
    return best;
  }

  /** One step of pCPU p at its own time: reschedule if needed, then run its vCPU up to the next boundary. */
  private step(p: Pcpu, until: number): void {
    const t = p.clock;
    if (p.needResched || !p.current || p.current.state !== 'running' || t >= p.sliceEnd) this.reschedule(p, t);
    const v = p.current;
    if (!v) { p.parked = true; p.idleSince = p.clock; return; }
    const start = p.clock;
    const limit = Math.min(p.sliceEnd, this.events.peekTime(), start + this.quantumNs, until);
    const r = v.body.run(start, Math.max(limit - start, 1));
    this.account(p, v, start, r.ran);
    if (r.end === 'block') this.block(p, v);
    else if (r.end === 'done') this.retire(p, v);
  }

  private account(p: Pcpu, v: HostVcpu, start: number, ran: number): void {
    p.clock = start + ran;
    p.busyNs += ran;
    v.cpuNs += ran;
    for (let t = start; t < start + ran;) {
      const w = Math.floor(t / this.windowNs), end = Math.min(start + ran, (w + 1) * this.windowNs);
      while (v.record.windows.length <= w) v.record.windows.push(0);
      v.record.windows[w] += end - t;
      t = end;
    }
    if (this.options.trace) {
      const last = this.intervals[this.intervals.length - 1];
      if (last && last.pcpu === p.id && last.vcpu === v.id && last.end === start) last.end = p.clock;
      else this.intervals.push({ pcpu: p.id, vcpu: v.id, start, end: p.clock });
    }
  }

  /** v went idle on p: it sleeps until its timer (or an event) wakes it. */
  private block(p: Pcpu, v: HostVcpu): void {
    v.state = 'blocked';
    v.record.blocks++;
    this.scheduler.sleep(v, p.clock);
    p.needResched = true;
    const at = v.body.wakeTime();
    if (Number.isFinite(at)) {
      this.pendingWakes++;
      v.wakeEvent = this.events.add(Math.max(at, p.clock), (now) => { this.pendingWakes--; v.wakeEvent = undefined; this.wake(v, now); });
    }
  }

  private retire(p: Pcpu, v: HostVcpu): void {
    v.state = 'done';
    v.record.finishedAt = p.clock;
    v.record.outcome = v.body.outcome();
    if (v.wakeEvent) { v.wakeEvent.cancelled = true; this.pendingWakes--; v.wakeEvent = undefined; }
    this.scheduler.remove(v, p.clock);
    p.current = undefined; // gone: the next decision on p starts from idle
    p.needResched = true;
  }

  private wake(v: HostVcpu, now: number): void {
    if (v.state !== 'blocked') return;
    if (v.wakeEvent) { v.wakeEvent.cancelled = true; this.pendingWakes--; v.wakeEvent = undefined; }
    v.state = 'runnable';
    v.readySince = now;
    v.wokenAt = now;
    this.scheduler.wake(v, now);
  }

  private reschedule(p: Pcpu, t: number): void {
    const prev = p.current;
    const d: Decision = this.scheduler.schedule(p.id, t);
    const next = d.next as HostVcpu | undefined;
    if (next && next !== prev && next.state !== 'runnable') {
      throw new Error(`scheduler ${this.scheduler.name} picked ${next.name} (${next.state}) for pCPU ${p.id}`);
    }
    if (prev && prev !== next && prev.state === 'running') { prev.state = 'runnable'; prev.readySince = t; }
    p.current = next;
    p.needResched = false;
    if (!next) {
      // Idle until tickled, or until the time the scheduler gave (a period or a frame that begins then).
      p.sliceEnd = Infinity;
      if (Number.isFinite(d.until)) this.events.add(d.until, () => this.tickle(p.id));
      return;
    }
    if (next !== prev) this.switchIn(p, next);
    p.sliceEnd = d.until > p.clock ? d.until : p.clock + 1;
  }

  private switchIn(p: Pcpu, v: HostVcpu): void {
    if (v !== p.lastRan) {
      p.switches++;
      p.switchNs += this.options.switchNs;
      p.clock += this.options.switchNs;
    }
    p.lastRan = v;
    v.state = 'running';
    v.pcpu = p.id;
    v.record.switchesIn++;
    v.record.waits.push(p.clock - v.readySince);
    if (v.wokenAt !== undefined) { v.record.wakeLatencies.push(p.clock - v.wokenAt); v.wokenAt = undefined; }
  }

  private finish(until: number): void {
    const end = Math.min(until, Math.max(this.now, ...this.pcpus.map((p) => (p.parked ? 0 : p.clock))));
    for (const p of this.pcpus) if (p.parked) { p.idleNs += Math.max(0, end - p.idleSince); p.idleSince = end; }
    this.now = Math.max(this.now, end);
  }

  private context(): SchedContext {
    return {
      pcpus: this.pcpus.length,
      current: (cpu) => this.pcpus[cpu].current,
      tickle: (cpu) => this.tickle(cpu),
      shortenSlice: (cpu, at) => { const p = this.pcpus[cpu]; p.sliceEnd = Math.min(p.sliceEnd, at); },
      setTimer: (at, fire): Timer => {
        const e = this.events.add(Math.max(at, this.now), fire);
        return { cancel: () => { e.cancelled = true; } };
      },
    };
  }

  private tickle(cpu: number): void {
    const p = this.pcpus[cpu];
    p.needResched = true;
    if (p.parked) {
      p.parked = false;
      p.idleNs += this.now - p.idleSince;
      p.clock = Math.max(p.clock, this.now);
    } else if (p.clock > this.now) {
      this.lateTickles++;
      this.lateNs += p.clock - this.now;
    }
  }

}
