/**
 * Running VMs under a strategy: the world switch in, slices of guest execution, each exit handed
 * to the strategy, the world switch out. `runVm` runs one VM to its end; `runSlice` runs it for a
 * budget and takes it off the hart again, which is what a scheduler interleaving several VMs on
 * one hart does. The outcome says how it ended; the VM's stats and the machine's counters say
 * what it cost. A host that prices every piece of a VM's run (src/sched) keeps the VM on the hart
 * across several pieces instead: `enterHart`, `runOnHart` as often as it likes, `leaveHart`; a
 * piece also ends when the guest idles (WFI with nothing pending), so the host can block it.
 * Alone on a machine, an idle VM's time moves on to its timer deadline, as WFI does on bare hardware.
 *
 * Whatever a guest does, the host goes on: an exception thrown while a strategy switches the VM in
 * or out or handles one of its exits ends that VM alone, with a `crash` outcome naming the cause
 * (a defence in depth under the checks every emulation path makes itself). A VM that has ended
 * never runs again. A run also ends `not-present` when the guest (or the VMM for it) needs a page
 * that has not arrived yet (post-copy migration); the VM goes on once the page is there.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Strategy } from './strategy.js';
import { NO_TIMER, type Vm, type VmOutcome } from './vm.js';
import { GuestPageAbsent } from './p2m.js';

export type { VmOutcome };
/** How a slice ended: the VM's end, or `preempted` when its budget ran out and it can run on. */
export type SliceOutcome = VmOutcome | { kind: 'preempted' };
/** How a piece of a run on the hart ended (`idle`: the guest waits in WFI), and the progress it made (instructions, traps and exits). */
export type HartRun = (SliceOutcome | { kind: 'idle' }) & { progress: number };

export interface HartRunOptions {
  /** Asked after each exit the guest resumes from: true ends the piece there (its modelled time is used up). */
  stopAfterExit?: () => boolean;
}

/** The prefix of a crash caused by an exception in the VMM rather than by a decision of it. */
export const VMM_FAULT = 'VMM fault';

/** Options of {@link runVm}. */
export interface RunVmOptions {
  /** Most guest instructions (default 2^53); every exit counts as one too, so a guest caught in a loop of faults still ends. */
  maxInstructions?: number;
  /** Instructions per call into the core (default 4M). */
  slice?: number;
  /** Called between slices with the instructions so far (for a progress display). */
  onSlice?: (instructions: number) => void;
}

/** Runs `vm` until it halts, crashes or has used `maxInstructions`. */
export function runVm(machine: Machine, vm: Vm, strategy: Strategy, options: RunVmOptions = {}): VmOutcome {
  const out = onHart(machine, vm, strategy, options.maxInstructions ?? Number.MAX_SAFE_INTEGER, { ...options, skipIdle: true });
  return out.kind === 'preempted' ? { kind: 'budget' } : out;
}

/**
 * Runs `vm` for at most `budget` instructions (and exits), then takes it off the hart. A guest
 * that idles (WFI with nothing pending) ends its slice there, `preempted`: the machine's clock is
 * every VM's, so one VM's wait must never move it on (only a VM alone on a machine skips time).
 */
export function runSlice(machine: Machine, vm: Vm, strategy: Strategy, budget: number): SliceOutcome {
  return onHart(machine, vm, strategy, budget, {});
}

function onHart(machine: Machine, vm: Vm, strategy: Strategy, limit: number, options: ExecuteOptions): SliceOutcome {
  if (vm.ended) return vm.ended;
  const entered = enterHart(vm, strategy);
  if (entered) return entered;
  let out: SliceOutcome;
  try {
    const run = execute(machine, vm, strategy, limit, options).out;
    out = run.kind === 'idle' ? { kind: 'preempted' } : run;
  } catch (e) {
    out = vmmFault(e);
  }
  return ended(vm, leaveHart(vm, strategy) ?? out);
}

/** The world switch in (crash-safe): the VM's crash if the strategy failed, else undefined. */
export function enterHart(vm: Vm, strategy: Strategy): VmOutcome | undefined {
  if (vm.ended) return vm.ended;
  try {
    vm.stats.switches++;
    strategy.enter(vm);
    return undefined;
  } catch (e) {
    return ended(vm, vmmFault(e)) as VmOutcome;
  }
}

/** The world switch out (crash-safe): the VM's crash if the strategy failed, else undefined. */
export function leaveHart(vm: Vm, strategy: Strategy): VmOutcome | undefined {
  try {
    strategy.leave(vm);
    return undefined;
  } catch (e) {
    return ended(vm, vmmFault(e)) as VmOutcome;
  }
}

/** Runs the VM, already on the hart, for at most `budget` units of progress, or until it idles, halts or crashes. */
export function runOnHart(machine: Machine, vm: Vm, strategy: Strategy, budget: number, options: HartRunOptions = {}): HartRun {
  if (vm.ended) return { ...vm.ended, progress: 0 };
  const start = machine.progress;
  let r: { out: SliceOutcome | { kind: 'idle' }; progress: number };
  try {
    r = execute(machine, vm, strategy, budget, options);
  } catch (e) {
    r = { out: vmmFault(e), progress: Number(machine.progress - start) + 1 };
  }
  return { ...(r.out.kind === 'idle' ? r.out : ended(vm, r.out)), progress: r.progress };
}

interface ExecuteOptions extends RunVmOptions, HartRunOptions {
  /** An idle guest's time moves on to its timer deadline and it goes on (alone on the machine), instead of ending the run. */
  skipIdle?: boolean;
}

function execute(machine: Machine, vm: Vm, strategy: Strategy, limit: number, options: ExecuteOptions): { out: SliceOutcome | { kind: 'idle' }; progress: number } {
  const slice = options.slice ?? 1 << 22;
  // Traps the guest takes itself and exits count like instructions, so a loop of faults ends too.
  const start = machine.progress;
  let exits = 0;
  const progress = () => Number(machine.progress - start) + exits;
  for (;;) {
    const done = progress();
    if (done >= limit) return { out: { kind: 'preempted' }, progress: done };
    const exit = machine.run(Math.min(slice, limit - done));
    if (exit.reason === 'budget') { options.onSlice?.(done); continue; }
    if (exit.reason === 'not-present') return { out: { kind: 'not-present', pa: exit.pa! }, progress: done };
    exits++;
    let action;
    try {
      action = strategy.handle(vm, exit);
    } catch (e) {
      // Handlers read guest memory before they change anything, so dropping the exit is safe:
      // the guest instruction runs again, and exits again, once the page is there.
      if (e instanceof GuestPageAbsent) return { out: { kind: 'not-present', pa: e.hpa }, progress: progress() };
      throw e;
    }
    if (action.kind === 'halt') return { out: { kind: 'halt', code: action.code }, progress: progress() };
    if (action.kind === 'crash') return { out: action, progress: progress() };
    if (action.kind === 'idle') {
      if (!options.skipIdle) return { out: action, progress: progress() };
      skipToTimer(machine, vm);
    } else if (options.stopAfterExit?.()) return { out: { kind: 'preempted' }, progress: progress() };
  }
}

/** An idle VM alone on the machine: time moves on to its timer deadline (with none, the WFI completes as a NOP, as the spec allows). */
function skipToTimer(machine: Machine, vm: Vm): void {
  if (vm.timerDeadline !== NO_TIMER && machine.time < vm.timerDeadline) machine.time = vm.timerDeadline;
}

const vmmFault = (e: unknown): VmOutcome => ({ kind: 'crash', why: `${VMM_FAULT}: ${describe(e)}` });

/** A VM that halted or crashed never runs again; its console is flushed to its sink. */
function ended<T extends SliceOutcome>(vm: Vm, out: T): T {
  if (out.kind === 'halt' || out.kind === 'crash') vm.ended = out;
  vm.consoleLog.flush();
  return out;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return String(e);
}
