/**
 * `vmlab run FILE --vmm STRATEGY`: a guest kernel (an image with `kernel_entry`, such as minios)
 * booted by the VMM under one strategy; its console on stdout, its exit status, and with --stats
 * the exits by kind and the VMM's work.
 */
import { readFileSync } from 'node:fs';
import { Machine, type HartProfile } from '../../bindings/machine.js';
import { parseImage, LoadError } from '../loader/index.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../vmm/vm.js';
import { runVm } from '../vmm/runner.js';
import { makeStrategy } from '../compare/run.js';
import { MmioBus } from '../vdev/bus.js';
import { VmDma } from '../vdev/dma.js';
import { openDisk } from './disk.js';
import type { StrategyName } from '../vmm/strategy.js';
import { vmStats } from '../vmm/stats.js';
import { statsTable } from './stats-table.js';

/** Host memory the VMM keeps for its own tables, beside the guest's RAM. */
const VMM_BYTES = 32 << 20;

export interface RunVmCliOptions {
  mem: number;
  tlb: { entries: number; ways: number };
  walkCaches: { pwc: boolean; ntlb: boolean };
  profile: HartProfile;
  timebase: 'insn' | 'wall';
  vmm: Exclude<StrategyName, 'native'>;
  bootargs?: string;
  maxInsns?: number;
  stats?: boolean;
  /** A raw disk image: the virtio-blk device (pv: the block split driver's backend). */
  disk?: string;
}

export async function runVmCommand(file: string, opts: RunVmCliOptions): Promise<number> {
  let image;
  try {
    image = parseImage(readFileSync(file), { base: GUEST_RAM_BASE, size: BigInt(opts.mem) });
  } catch (e) {
    if (e instanceof LoadError || (e as NodeJS.ErrnoException).code) {
      process.stderr.write(`vmlab: cannot load ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  const machine = await Machine.create({ ramBytes: opts.mem + VMM_BYTES });
  // The hart's TLB and walk caches are the host hardware's (A/D handling stays Svade: the shadow walker implements that).
  machine.configure({ tlb: opts.tlb, walkCaches: opts.walkCaches, wallClock: opts.timebase === 'wall', profile: opts.profile });
  const host = new HostMemory(machine, VMM_BYTES);
  // The console streams to stdout as the guest prints; the VM keeps only its recent output.
  const vm = new Vm(1, host, opts.mem, { consoleSink: (bytes) => process.stdout.write(bytes) });
  const disk = opts.disk === undefined ? undefined : openDisk(opts.disk);
  if (disk instanceof Error) { process.stderr.write(`vmlab: ${disk.message}\n`); return 2; }
  if (disk && opts.vmm !== 'pv') vm.mmio = new MmioBus(new VmDma(vm.p2m), disk);
  // --stats counts bt's in-TC emulations, which costs each of them five instructions (shown with the count).
  const strategy = makeStrategy(opts.vmm, { machine, host, disk }, { countEmulations: opts.stats ?? false });
  try {
    strategy.boot(vm, image);
    if (opts.bootargs !== undefined) {
      const at = image.symbols.get('minios_bootargs');
      if (at === undefined) throw new Error('--bootargs needs an image with a minios_bootargs symbol');
      if (opts.bootargs.length > 255) throw new Error('--bootargs is longer than 255 bytes');
      vm.p2m.write(at, new TextEncoder().encode(opts.bootargs + '\0'));
    }
  } catch (e) {
    process.stderr.write(`vmlab: ${(e as Error).message}\n`);
    return 2;
  }
  const t0 = performance.now();
  const out = runVm(machine, vm, strategy, { maxInstructions: opts.maxInsns, onSlice: () => vm.consoleLog.flush() });
  const seconds = (performance.now() - t0) / 1000;
  if (opts.stats) printVmStats(machine, vm, seconds, strategy.details?.(vm) ?? []);
  switch (out.kind) {
    case 'halt': return out.code & 0xff;
    case 'budget':
      process.stderr.write(`vmlab: instruction budget of ${opts.maxInsns} exhausted without the guest halting\n`);
      return 124;
    case 'crash':
      process.stderr.write(`vmlab: the VMM stopped the VM: ${out.why}\n`);
      return 126;
    case 'not-present': // only a post-copy destination has pages not present
      process.stderr.write(`vmlab: the VM needed page 0x${out.pa.toString(16)}, which is not present\n`);
      return 126;
  }
}

function printVmStats(machine: Machine, vm: Vm, seconds: number, details: [string, number][]): void {
  process.stderr.write(statsTable(vmStats(machine, vm, seconds, details)) + '\n');
}
