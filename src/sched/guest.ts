/**
 * A guest VM as a vCPU of the host: its image booted under a VMM strategy, run in steps of
 * virtual time. A step puts the VM on the hart (the world switch, when another VM was there), sets
 * the guest's clock to the pCPU's time, and runs slices of guest execution (runSlice) until the
 * modelled cost of what it did reaches the step's length, or the guest idles (WFI with nothing
 * pending: the vCPU blocks until its timer deadline), halts or crashes. The world switch is the
 * strategy's (src/vmm/world-switch.ts: every VM's translations carry tags of its own, so nothing
 * is flushed); the host only adds that WFI exits, so that an idle guest gives its pCPU back.
 *
 * How exact the time is: a slice's instruction budget comes from the cycles each unit of progress
 * cost in the vCPU's previous slice (never less than the CPI), halved while much is left and growing at most fourfold from one slice to the next, and a slice ends after an exit
 * once the cheapest possible price of what it did (instructions at the CPI, exits at the cheapest
 * exit) reaches the step. What remains is page-walk and VMM work beyond that estimate; the host
 * records every step's overrun (`overrunNs`).
 */
import type { Machine } from '../../bindings/machine.js';
import type { Strategy } from '../vmm/strategy.js';
import { NO_TIMER, type Vm } from '../vmm/vm.js';
import { enterHart, leaveHart, runOnHart, type HartRun } from '../vmm/runner.js';
import type { Meter } from './meter.js';
import { ticksAt, nsAtTicks, type Clock } from './time.js';
import type { BodyEnd, VcpuBody } from './vcpu.js';

const MAX_BUDGET = 1 << 22;
/** Below this many units of progress a slice takes all the estimate allows. */
const MIN_HALVING = 4096;

/** The one hart, and which VM's state is on it. */
export class Hart {
  private owner: GuestBody | undefined;
  constructor(readonly machine: Machine) {}
  /** Puts `body`'s VM on the hart: a world switch out of the VM there and into this one. */
  load(body: GuestBody): void {
    if (this.owner === body) return;
    this.owner?.switchOut();
    this.owner = body.switchIn() ? body : undefined;
  }
  /** Takes `body`'s VM off the hart (it finished). */
  release(body: GuestBody): void {
    if (this.owner !== body) return;
    this.owner = undefined;
    body.switchOut();
  }
}

export class GuestBody implements VcpuBody {
  /** Guest instructions it retired, and the modelled cycles its steps cost. */
  instructions = 0;
  cycles = 0;
  /** Virtual time its steps ran past the end they were given, in all and at most. */
  overrunNs = 0;
  maxOverrunNs = 0;
  private ratio: number;
  private lastProgress = MIN_HALVING / 4;
  private guestTime = 0n;

  /** Where the running step is: its start, the cycles of its finished slices, the meter's reading at the slice's start. */
  private step: { now: number; used: number; before: number } | undefined;

  /** Receives the console output of every slice, with the time it was written (a driver domain's console backend). */
  onOutput: ((bytes: number, at: number) => void) | undefined;

  constructor(private readonly hart: Hart, readonly vm: Vm, readonly strategy: Strategy, private readonly meter: Meter, private readonly clock: Clock) {
    this.ratio = meter.cost.cpi;
  }

  get machine(): Machine { return this.hart.machine; }

  run(now: number, ns: number): { ran: number; end: BodyEnd } {
    if (!this.vm.ended) this.hart.load(this);
    if (this.vm.ended) return this.finish(0, ns, 'done');
    this.setGuestTime(now);
    const target = this.clock.cycles(ns);
    let used = 0, end: HartRun['kind'] = 'preempted';
    let before = this.meter.cycles(this.vm.stats), instr = this.meter.instructions();
    while (used < target) {
      const printed = this.vm.consoleLog.total;
      this.step = { now, used, before };
      const slice = this.slice(target - used);
      this.step = undefined;
      const after = this.meter.cycles(this.vm.stats), cost = after - before;
      used += cost;
      before = after;
      if (this.onOutput && this.vm.consoleLog.total > printed) this.onOutput(this.vm.consoleLog.total - printed, now + this.clock.ns(used));
      if (slice.progress > 0) { this.ratio = Math.max(this.meter.cost.cpi, cost / slice.progress); this.lastProgress = slice.progress; }
      end = slice.kind;
      if (slice.kind === 'idle' && this.timerDue(now + this.clock.ns(used))) { end = 'preempted'; continue; }
      if (slice.kind !== 'preempted') break;
    }
    this.instructions += this.meter.instructions() - instr;
    this.cycles += used;
    this.guestTime = this.machine.time;
    if (end === 'halt' || end === 'crash' || end === 'budget') this.hart.release(this);
    return this.finish(this.clock.ns(used), ns, end === 'idle' ? 'block' : end === 'preempted' ? 'slice' : 'done');
  }

  private finish(ran: number, ns: number, end: BodyEnd): { ran: number; end: BodyEnd } {
    if (ran > ns) { this.overrunNs += ran - ns; this.maxOverrunNs = Math.max(this.maxOverrunNs, ran - ns); }
    return { ran, end };
  }

  /** The virtual time of the guest's current instruction, while it runs (an exit handler asks: a notification's time). */
  clockNow(): number | undefined {
    const s = this.step;
    return s && s.now + this.clock.ns(s.used + this.meter.cycles(this.vm.stats) - s.before);
  }

  wakeTime(): number { return this.vm.timerDeadline === NO_TIMER ? Infinity : nsAtTicks(this.vm.timerDeadline); }
  outcome(): string {
    const e = this.vm.ended;
    return !e ? 'running' : e.kind === 'halt' ? `halt ${e.code}` : e.kind === 'crash' ? `crash: ${e.why}` : 'budget';
  }

  /** The world switch into this VM, and WFI exits (the host's part: an idle guest gives its pCPU back). */
  switchIn(): boolean {
    if (enterHart(this.vm, this.strategy)) return false; // the strategy failed: the VM crashed
    this.machine.configure({ exitOnWfi: true });
    return true;
  }
  switchOut(): void { leaveHart(this.vm, this.strategy); }

  /** One slice of at most `cycles` of modelled time. */
  private slice(cycles: number): HartRun {
    const cost = this.meter.cost, m = this.machine;
    // Half of what the estimate allows, until little is left: a wrong estimate (a guest that
    // starts walking page tables or exiting) costs at most half a slice before it is corrected.
    const allowed = cycles / this.ratio;
    // Slices grow at most fourfold, so a new vCPU's first estimate (the CPI) is tried on a small one.
    const budget = Math.max(1, Math.min(MAX_BUDGET, 4 * this.lastProgress, Math.floor(allowed > MIN_HALVING ? allowed / 2 : allowed)));
    const start = m.progress;
    let exits = 0;
    // After an exit: stop once even the cheapest price of what was done reaches the slice.
    const spent = () => Number(m.progress - start) * cost.cpi + ++exits * this.meter.cheapestExit >= cycles;
    return runOnHart(m, this.vm, this.strategy, budget, { stopAfterExit: spent });
  }

  /** The guest's clock follows the pCPU's: never behind it at the start of a step, never backwards. */
  private setGuestTime(now: number): void {
    const t = ticksAt(now);
    this.machine.time = t > this.guestTime ? t : this.guestTime;
  }

  /** An idle guest whose deadline has come: its timer interrupt is due, so it does not block. */
  private timerDue(now: number): boolean {
    const t = ticksAt(now);
    if (t > this.machine.time) this.machine.time = t;
    return this.vm.timerDeadline !== NO_TIMER && this.vm.timerDeadline <= this.machine.time;
  }
}
