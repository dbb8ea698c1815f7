/**
 * A VM of a scenario run alone, on a machine of its own, under the same strategy: what its output
 * must be on the host too (scheduling changes timing, never results).
 */
import { Machine } from '../../bindings/machine.js';
import type { LoadedImage } from '../loader/index.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm } from '../vmm/vm.js';
import { runVm } from '../vmm/runner.js';
import { makeStrategy, comparisonDisk } from '../compare/run.js';
import type { VmSpec } from './scenario.js';

const MIB = 1 << 20;

export async function runSolo(spec: VmSpec, image: LoadedImage, maxInstructions = 4e9): Promise<{ outcome: string; output: string }> {
  const machine = await Machine.create({ ramBytes: 32 * MIB + spec.memMiB * MIB });
  const memory = new HostMemory(machine, 32 * MIB);
  const vm = new Vm(1, memory, spec.memMiB * MIB);
  // A pv VM gets the disk it has on a host (the io workload's); its backend serves it at once.
  const strategy = makeStrategy(spec.strategy, { machine, host: memory, ...(spec.strategy === 'pv' ? { disk: comparisonDisk() } : {}) });
  strategy.boot(vm, image);
  vm.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode(spec.bootargs + '\0'));
  const out = runVm(machine, vm, strategy, { maxInstructions });
  return { outcome: out.kind === 'halt' ? `halt ${out.code}` : out.kind === 'crash' ? `crash: ${out.why}` : 'budget', output: vm.console };
}
