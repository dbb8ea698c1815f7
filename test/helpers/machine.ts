/** Small machines with hand-assembled code, for tests of single behaviours. */
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { words } from './encode.js';

export { RAM_BASE };

/** A 1 MiB machine with `code` at RAM_BASE, reset there. */
export async function machineWith(code: number[], ramBytes = 1 << 20): Promise<Machine> {
  const m = await Machine.create({ ramBytes });
  m.writePhys(RAM_BASE, words(code));
  m.reset(RAM_BASE);
  return m;
}

/** Runs until the first exit that is not the budget (at most `budget` instructions). */
export function runToExit(m: Machine, budget = 1_000_000) {
  return m.run(budget);
}
