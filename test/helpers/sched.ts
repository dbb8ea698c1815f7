/**
 * vCPUs for exact scheduling tests, without guest instructions: a CPU hog that always uses the
 * whole step it is given, and a latency-sensitive vCPU that computes for a burst and then sleeps
 * (blocks until its timer). With them a schedule can be predicted to the nanosecond.
 */
import { Host, type Interval } from '../../src/sched/host.js';
import type { VcpuBody, BodyEnd } from '../../src/sched/vcpu.js';
import type { SchedulerKind } from '../../src/sched/scheduler.js';
import { readParams, type Params } from '../../src/sched/params.js';

export class Hog implements VcpuBody {
  run(_now: number, ns: number): { ran: number; end: BodyEnd } { return { ran: ns, end: 'slice' }; }
  wakeTime(): number { return Infinity; }
  outcome(): string { return 'running'; }
}

/** Runs `burstNs`, then sleeps (its timer wakes it) for the next of `sleepNs` (cycling), `bursts` times, then ends. */
export class Sleeper implements VcpuBody {
  private left: number;
  private wake = Infinity;
  done = 0;
  private readonly sleeps: number[];
  constructor(private readonly burstNs: number, sleepNs: number | number[], private readonly bursts = Infinity) {
    this.left = burstNs;
    this.sleeps = Array.isArray(sleepNs) ? sleepNs : [sleepNs];
  }
  run(now: number, ns: number): { ran: number; end: BodyEnd } {
    const ran = Math.min(ns, this.left);
    this.left -= ran;
    if (this.left > 0) return { ran, end: 'slice' };
    this.left = this.burstNs;
    if (++this.done >= this.bursts) return { ran, end: 'done' };
    this.wake = now + ran + this.sleeps[(this.done - 1) % this.sleeps.length];
    return { ran, end: 'block' };
  }
  wakeTime(): number { return this.wake; }
  outcome(): string { return 'halt 0'; }
}

export interface TestVcpu { name: string; body: VcpuBody; params?: Record<string, unknown>; pcpu?: number }

/** A host of synthetic vCPUs under `kind` (parameters checked as in a scenario). */
export function testHost(kind: SchedulerKind, vcpus: TestVcpu[], o: { pcpus?: number; hostParams?: Record<string, unknown>; raw?: Record<string, unknown>; switchNs?: number; quantumNs?: number } = {}): Host {
  const pcpus = o.pcpus ?? 1;
  const scheduler = kind.create(readParams(kind.hostParams, o.hostParams, 'scheduler.params'), pcpus, o.raw ?? {}, vcpus.map((v) => v.name));
  const host = new Host({ pcpus, scheduler, switchNs: o.switchNs ?? 0, quantumNs: o.quantumNs, trace: true });
  for (const v of vcpus) {
    const p: Params = readParams(kind.vmParams, v.params, v.name);
    host.add(v.name, p, v.body, v.pcpu);
  }
  return host;
}

/** The trace as "name start-end" strings (ms, 3 decimals), for comparing with an expected schedule. */
export function schedule(host: Host, intervals: Interval[] = host.intervals): string[] {
  return intervals.map((i) => `${host.vcpus[i.vcpu].name} ${(i.start / 1e6).toFixed(3)}-${(i.end / 1e6).toFixed(3)}`);
}

/** CPU time each vCPU had in [from, to). */
export function cpuIn(host: Host, from: number, to: number): number[] {
  const out = host.vcpus.map(() => 0);
  for (const i of host.intervals) out[i.vcpu] += Math.max(0, Math.min(to, i.end) - Math.max(from, i.start));
  return out;
}
