/**
 * Running one VM under a strategy to its end: the world switch in, slices of guest execution, each
 * exit handed to the strategy, the world switch out. The outcome says how it ended; the VM's stats
 * and the machine's counters say what it cost.
 */
import type { Machine } from '../../bindings/machine.js';
import type { Strategy } from './strategy.js';
import type { Vm } from './vm.js';
import { GuestPageAbsent } from './p2m.js';

/**
 * `not-present`: the guest, or the VMM on its behalf, needed a page that has not arrived (post-copy
 * migration); `pa` is the host page. Run the VM again once it is there: the guest instruction that
 * needed it is executed again (and its exit handled again).
 */
export type VmOutcome = { kind: 'halt'; code: number } | { kind: 'budget' } | { kind: 'crash'; why: string } | { kind: 'not-present'; pa: bigint };

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
  // Traps the guest takes itself and exits count like instructions, so a loop of faults ends too.
  const start = machine.progress;
  let exits = 0;
  strategy.enter(vm);
  try {
    for (;;) {
      const done = Number(machine.progress - start) + exits;
      if (done >= limit) return { kind: 'budget' };
      const exit = machine.run(Math.min(slice, limit - done));
      if (exit.reason === 'budget') { options.onSlice?.(done); continue; }
      if (exit.reason === 'not-present') return { kind: 'not-present', pa: exit.pa! };
      exits++;
      let action;
      try {
        action = strategy.handle(vm, exit);
      } catch (e) {
        // Handlers touch guest memory before they change anything, so dropping the exit is safe.
        if (e instanceof GuestPageAbsent) return { kind: 'not-present', pa: e.hpa };
        throw e;
      }
      if (action.kind === 'halt') return { kind: 'halt', code: action.code };
      if (action.kind === 'crash') return action;
    }
  } finally {
    strategy.leave(vm);
  }
}
