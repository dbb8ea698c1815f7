/**
 * The contract between the host and a CPU scheduler: Xen's scheduler operations (insert, remove,
 * sleep, wake, do_schedule) over the vCPUs of the VMs, with the host's services a scheduler needs
 * (timers, "tickling" a pCPU to reschedule). Every scheduler is one file in schedulers/ behind
 * this interface; the host never knows which one it runs.
 *
 * Times are virtual host nanoseconds. The host calls `schedule(cpu, now)` when the pCPU's slice
 * ends, when its vCPU blocks or finishes (after `sleep`/`remove`), and when the pCPU was tickled.
 * The vCPU that ran there (`ctx.current(cpu)`) is still runnable unless it was put to sleep or
 * removed; the scheduler requeues it if it should run again.
 */
import type { Params, ParamSpecs } from './params.js';

/** What a scheduler sees of a vCPU. */
export interface SchedVcpu {
  /** 0, 1, ... in the order VMs were added. */
  readonly id: number;
  readonly name: string;
  /** The VM's parameters for this scheduler (checked against its `vmParams`). */
  readonly params: Params;
  /** The pCPU it runs on, or last ran on, or is queued for; the scheduler moves it. */
  pcpu: number;
  /** CPU time it has had so far (ns), its exits and the VMM's work for it included. */
  readonly cpuNs: number;
  /** Not blocked and not finished. */
  readonly runnable: boolean;
}

export interface Timer { cancel(): void }

/** The host's services. */
export interface SchedContext {
  readonly pcpus: number;
  /** The vCPU running on `cpu`, or undefined when it idles. */
  current(cpu: number): SchedVcpu | undefined;
  /** Asks `cpu` to call schedule() as soon as it can (Xen's SCHEDULE_SOFTIRQ). */
  tickle(cpu: number): void;
  /** Ends the slice of `cpu` at `at` if it would end later. */
  shortenSlice(cpu: number, at: number): void;
  /** Calls `fire(now)` at virtual time `at`. */
  setTimer(at: number, fire: (now: number) => void): Timer;
}

/** What a pCPU runs next, and until when (absolute ns; Infinity: until something tickles it). */
export interface Decision {
  next: SchedVcpu | undefined;
  until: number;
}

export interface Scheduler {
  readonly name: string;
  /** Called once, before any vCPU is inserted. */
  attach(ctx: SchedContext, now: number): void;
  /** A new runnable vCPU (its `pcpu` is a hint; the scheduler may place it elsewhere). */
  insert(v: SchedVcpu, now: number): void;
  /** A vCPU that will never run again (it was running, queued or blocked). */
  remove(v: SchedVcpu, now: number): void;
  /** v blocked (it was running on v.pcpu). */
  sleep(v: SchedVcpu, now: number): void;
  /** v, blocked, became runnable. */
  wake(v: SchedVcpu, now: number): void;
  /** What `cpu` runs from `now`. */
  schedule(cpu: number, now: number): Decision;
  /**
   * The share of the host (in pCPUs) each vCPU is entitled to when all of them want to run all
   * the time, from its parameters (weights, caps, reservations).
   */
  entitlements(vcpus: readonly SchedVcpu[]): Map<number, number>;
}

/** How a scheduler is made and described: its parameters, host-wide and per VM, with Xen's defaults. */
export interface SchedulerKind {
  readonly name: string;
  readonly about: string;
  readonly hostParams: ParamSpecs;
  readonly vmParams: ParamSpecs;
  /** Parameters the scheduler gives a driver domain by default, where Xen treats dom0 apart (sEDF). */
  readonly dom0Defaults?: Params;
  /** Checks a VM's parameters together (each was checked against `vmParams` alone); throws a ScenarioError naming `path`. */
  checkVm?(params: Params, path: string): void;
  /** Fields of the scenario's `scheduler` object besides name and params (ARINC 653's `schedule`). */
  readonly hostTables?: readonly string[];
  /**
   * A scheduler with checked `params`; `raw` is the scenario's `scheduler` object (for its tables),
   * `vmNames` the VMs in the order they are added (a static table names them).
   */
  create(params: Params, pcpus: number, raw: Record<string, unknown>, vmNames: readonly string[]): Scheduler;
}
