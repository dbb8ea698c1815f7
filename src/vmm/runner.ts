/**
 * Running VMs under a strategy: the world switch in, slices of guest execution, each exit handed
 * to the strategy, the world switch out. `runVm` runs one VM to its end; `runSlice` runs it for a
 * budget and takes it off the hart again, which is what a scheduler interleaving several VMs on
 * one hart does. The outcome says how it ended; the VM's stats and the machine's counters say
 * what it cost.
 *
 * Whatever a guest does, the host goes on: an exception thrown while a strategy switches the VM in
 * or out or handles one of its exits ends that VM alone, with a `crash` outcome naming the cause
 * (a defence in depth under the checks every emulation path makes itself). A VM that has ended
 * never runs again.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Strategy } from './strategy.js';
import type { Vm, VmOutcome } from './vm.js';

export type { VmOutcome };
/** How a slice ended: the VM's end, or `preempted` when its budget ran out and it can run on. */
export type SliceOutcome = VmOutcome | { kind: 'preempted' };

/** The prefix of a crash caused by an exception in the VMM rather than by a decision of it. */
export const VMM_FAULT = 'VMM fault';

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
  const out = onHart(machine, vm, strategy, options.maxInstructions ?? Number.MAX_SAFE_INTEGER, options);
  return out.kind === 'preempted' ? { kind: 'budget' } : out;
}

/** Runs `vm` for at most `budget` instructions (and exits), then takes it off the hart. */
export function runSlice(machine: Machine, vm: Vm, strategy: Strategy, budget: number): SliceOutcome {
  return onHart(machine, vm, strategy, budget, {});
}

function onHart(machine: Machine, vm: Vm, strategy: Strategy, limit: number, options: RunVmOptions): SliceOutcome {
  if (vm.ended) return vm.ended;
  let out: SliceOutcome;
  try {
    vm.stats.switches++;
    strategy.enter(vm);
    try {
      out = execute(machine, vm, strategy, limit, options);
    } finally {
      strategy.leave(vm);
    }
  } catch (e) {
    out = { kind: 'crash', why: `${VMM_FAULT}: ${describe(e)}` };
  }
  if (out.kind === 'halt' || out.kind === 'crash') vm.ended = out;
  vm.consoleLog.flush();
  return out;
}

function execute(machine: Machine, vm: Vm, strategy: Strategy, limit: number, options: RunVmOptions): SliceOutcome {
  const slice = options.slice ?? 1 << 22;
  // Traps the guest takes itself and exits count like instructions, so a loop of faults ends too.
  const start = machine.progress;
  let exits = 0;
  for (;;) {
    const done = Number(machine.progress - start) + exits;
    if (done >= limit) return { kind: 'preempted' };
    const exit = machine.run(Math.min(slice, limit - done));
    if (exit.reason === 'budget') { options.onSlice?.(done); continue; }
    exits++;
    const action = strategy.handle(vm, exit);
    if (action.kind === 'halt') return { kind: 'halt', code: action.code };
    if (action.kind === 'crash') return action;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return String(e);
}
