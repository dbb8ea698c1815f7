/**
 * Running VMs under a strategy. `runVm` runs one VM to its end: the world switch in, slices of guest
 * execution, each exit handed to the strategy, the world switch out; its outcome says how it ended,
 * the VM's stats and the machine's counters what it cost. `runSlice` is the step a host with several
 * VMs takes instead: one budget of a VM that is already on the hart, ending early when the guest
 * idles, halts or crashes, so a scheduler can give the hart to another VM in between.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Strategy } from './strategy.js';
import type { Vm } from './vm.js';

export type VmOutcome = { kind: 'halt'; code: number } | { kind: 'budget' } | { kind: 'crash'; why: string };

/** How a slice ended, and the progress it made (instructions, traps taken and exits handled). */
export type SliceEnd = ({ kind: 'budget' } | { kind: 'idle' } | { kind: 'halt'; code: number } | { kind: 'crash'; why: string }) & { progress: number };

export interface SliceOptions {
  /** Asked after each exit the strategy resumes from: true ends the slice there (e.g. its modelled time is used up). */
  stopAfterExit?: () => boolean;
}

const NO_TIMER = 0xffff_ffff_ffff_ffffn;

/**
 * Runs the VM on the hart (after `strategy.enter`) for at most `budget` units of progress. Traps the
 * guest takes itself and exits count like instructions, so a guest caught in a loop of faults still
 * returns.
 */
export function runSlice(machine: Machine, vm: Vm, strategy: Strategy, budget: number, options: SliceOptions = {}): SliceEnd {
  const start = machine.progress;
  let exits = 0;
  const progress = () => Number(machine.progress - start) + exits;
  for (;;) {
    const done = progress();
    if (done >= budget) return { kind: 'budget', progress: done };
    const exit = machine.run(budget - done);
    if (exit.reason === 'budget') continue;
    exits++;
    const action = strategy.handle(vm, exit);
    if (action.kind !== 'resume') return { ...action, progress: progress() };
    if (options.stopAfterExit?.()) return { kind: 'budget', progress: progress() };
  }
}

export interface RunVmOptions {
  /** Most guest instructions (default 2^53); every exit counts as one too, so a guest caught in a loop of faults still ends. */
  maxInstructions?: number;
  /** Instructions per call into the core (default 4M). */
  slice?: number;
  /** Called between slices with the instructions so far (for a progress display). */
  onSlice?: (instructions: number) => void;
}

export function runVm(machine: Machine, vm: Vm, strategy: Strategy, options: RunVmOptions = {}): VmOutcome {
  const limit = options.maxInstructions ?? Number.MAX_SAFE_INTEGER;
  const slice = options.slice ?? 1 << 22;
  let done = 0;
  strategy.enter(vm);
  try {
    for (;;) {
      if (done >= limit) return { kind: 'budget' };
      const end = runSlice(machine, vm, strategy, Math.min(slice, limit - done));
      done += end.progress;
      switch (end.kind) {
        case 'budget': options.onSlice?.(done); break;
        case 'idle': skipToTimer(machine, vm); break;
        default: return end.kind === 'halt' ? { kind: 'halt', code: end.code } : { kind: 'crash', why: end.why };
      }
    }
  } finally {
    strategy.leave(vm);
  }
}

/**
 * An idle VM alone on the host: time moves on to its timer deadline, as WFI does on bare hardware
 * (with no deadline nothing can wake it, and the WFI completes as a NOP, as the spec allows).
 */
function skipToTimer(machine: Machine, vm: Vm): void {
  if (vm.timerDeadline !== NO_TIMER && machine.time < vm.timerDeadline) machine.time = vm.timerDeadline;
}
