/**
 * `vmlab run FILE --vmm STRATEGY`: a guest kernel (an image with `kernel_entry`, such as minios)
 * booted by the VMM under one strategy; its console on stdout, its exit status, and with --stats
 * the exits by kind and the VMM's work.
 */
import { readFileSync } from 'node:fs';
import Table from 'cli-table3';
import { Machine } from '../../bindings/machine.js';
import { parseImage, LoadError } from '../loader/index.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../vmm/vm.js';
import { runVm } from '../vmm/runner.js';
import { makeStrategy } from '../compare/run.js';
import { MmioBus } from '../vdev/bus.js';
import { VmDma } from '../vdev/dma.js';
import { openDisk } from './disk.js';
import type { StrategyName } from '../vmm/strategy.js';

/** Host memory the VMM keeps for its own tables, beside the guest's RAM. */
const VMM_BYTES = 32 << 20;

export interface RunVmCliOptions {
  mem: number;
  tlb: { entries: number; ways: number };
  walkCaches: { pwc: boolean; ntlb: boolean };
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
  machine.configure({ tlb: opts.tlb, walkCaches: opts.walkCaches, wallClock: opts.timebase === 'wall' });
  const host = new HostMemory(machine, VMM_BYTES);
  // The console streams to stdout as the guest prints; the VM keeps only its recent output.
  const vm = new Vm(1, host, opts.mem, { consoleSink: (bytes) => process.stdout.write(bytes) });
  const disk = opts.disk === undefined ? undefined : openDisk(opts.disk);
  if (disk instanceof Error) { process.stderr.write(`vmlab: ${disk.message}\n`); return 2; }
  if (disk && opts.vmm !== 'pv') vm.mmio = new MmioBus(new VmDma(vm.p2m), disk);
  const strategy = makeStrategy(opts.vmm, { machine, host, disk });
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
  if (opts.stats) printVmStats(machine, vm, seconds);
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

function printVmStats(machine: Machine, vm: Vm, seconds: number): void {
  const n = (v: number | bigint) => v.toLocaleString('en-US');
  const c = machine.counters();
  const t = new Table({ head: ['counter', 'value'], style: { head: [], border: [] } });
  t.push(['guest instructions', n(machine.instructions)], ['seconds', seconds.toFixed(3)]);
  t.push(['exits', n(vm.stats.totalExits)]);
  for (const [kind, count] of [...vm.stats.exits].sort((a, b) => b[1] - a[1])) t.push([`  ${kind}`, n(count)]);
  const s = vm.stats;
  t.push(['instructions emulated', n(s.emulated)], ['traps reflected into the guest', n(s.reflected)]);
  t.push(['guest page-table writes trapped', n(s.ptWrites)], ['hidden faults (shadow fills)', n(s.hiddenFaults)]);
  t.push(['shadow PTE updates', n(s.shadowUpdates)], ['guest PTEs read by the VMM', n(s.guestWalkRefs)], ['TLB flushes by the VMM', n(s.vmmFlushes)]);
  t.push(['guest PTEs validated (PV mmu_update)', n(s.validatedPtes)]);
  t.push(['world switches', n(s.switches)], ['shadow reclaims (VMM pool full)', n(s.shadowReclaims)], ['VMM pages used (peak / reserved)', `${n(vm.vmm.peak)} / ${n(vm.vmm.pages)}`]);
  t.push(['console bytes (kept / dropped)', `${n(vm.consoleLog.total - vm.consoleLog.dropped)} / ${n(vm.consoleLog.dropped)}`]);
  t.push(['page walks / references', `${n(c.walks as bigint)} / ${n(c.walkRefs as bigint)} (G-stage ${n(c.walkRefsG as bigint)})`]);
  process.stderr.write(t.toString() + '\n');
}
