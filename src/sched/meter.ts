/**
 * Prices what the hart does with the cost model, so that a vCPU's run is measured in virtual host
 * time. The model is linear in the counters, so the difference of two readings is the price of what
 * happened in between; between two readings only one VM runs, so the machine's counters and that
 * VM's stats together are its work.
 */
import type { Machine } from '../../bindings/machine.js';
import { modelledCycles, type CostModel } from '../cost/model.js';
import { readCounts, type VmmWork } from '../cost/counts.js';

export class Meter {
  /** The cheapest exit of the model: a lower bound of what each exit costs. */
  readonly cheapestExit: number;

  constructor(private readonly machine: Machine, readonly cost: CostModel) {
    if (!(cost.cpi > 0)) throw new RangeError('a host needs a cost model with cpi > 0: time must advance with every instruction');
    this.cheapestExit = Math.min(...Object.values(cost.exit));
  }

  /** Modelled cycles of everything the hart has retired so far, with `vmm`'s work for the VM on it. */
  cycles(vmm: VmmWork): number { return modelledCycles(readCounts(this.machine.counters(), vmm), this.cost).total; }

  /** Instructions the hart has retired so far. */
  instructions(): number { return Number(this.machine.instructions); }
}
