/**
 * Round robin, as Xen 2.0's sched_rrobin.c (Mark Williamson, 2004): one run queue per pCPU, every
 * vCPU in turn for a fixed slice. A waking vCPU goes to the head of its queue; it preempts only an
 * idle pCPU. vCPUs stay on the pCPU they were placed on (Xen 2.0 did not migrate them).
 */
import type { Decision, SchedContext, SchedVcpu, Scheduler, SchedulerKind } from '../scheduler.js';
import { num, type Params, type ParamSpecs } from '../params.js';
import { perPcpu } from '../entitlement.js';
import { MS } from '../time.js';

const HOST: ParamSpecs = {
  sliceMs: { default: 10, kind: 'number', min: 0.1, max: 10_000, source: 'Xen 2.0 xen/common/sched_rrobin.c: rr_slice = MILLISECS(10)', about: 'the time slice' },
};

class RoundRobin implements Scheduler {
  readonly name = 'rr';
  private ctx!: SchedContext;
  private queues: SchedVcpu[][] = [];
  constructor(private readonly sliceNs: number) {}

  attach(ctx: SchedContext): void {
    this.ctx = ctx;
    this.queues = Array.from({ length: ctx.pcpus }, () => []);
  }
  insert(v: SchedVcpu): void { this.queues[v.pcpu].push(v); this.kickIfIdle(v.pcpu); }
  remove(v: SchedVcpu): void { this.drop(v); }
  sleep(v: SchedVcpu): void { this.drop(v); }
  wake(v: SchedVcpu): void { this.queues[v.pcpu].unshift(v); this.kickIfIdle(v.pcpu); }

  schedule(cpu: number, now: number): Decision {
    const q = this.queues[cpu], prev = this.ctx.current(cpu);
    // The vCPU that ran goes to the tail; the head runs (the running one is not in the queue).
    if (prev?.runnable) q.push(prev);
    const next = q.shift();
    return { next, until: next ? now + this.sliceNs : Infinity };
  }

  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number> {
    return perPcpu(vcpus, (id) => ({ id, weight: 1, limit: 1 }));
  }

  private drop(v: SchedVcpu): void {
    const q = this.queues[v.pcpu], i = q.indexOf(v);
    if (i >= 0) q.splice(i, 1);
  }
  private kickIfIdle(cpu: number): void { if (!this.ctx.current(cpu)) this.ctx.tickle(cpu); }
}

export const roundRobin: SchedulerKind = {
  name: 'rr',
  about: 'round robin (Xen 2.0)',
  hostParams: HOST,
  vmParams: {},
  create: (p: Params) => new RoundRobin(num(p, 'sliceMs') * MS),
};
