/**
 * VMs for the migration tests: the bare `dirty` guest on a machine of its own, and minios under a
 * VMM strategy with boot arguments; running one to its end; migrating one over an in-memory pair.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { loadImage } from '../../src/machine/boot.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import type { StrategyName } from '../../src/vmm/strategy.js';
import { BareVm } from '../../src/migration/vm/bare-vm.js';
import { VmmVm, type VmHostEnv } from '../../src/migration/vm/vmm-vm.js';
import type { HostedVm } from '../../src/migration/vm/hosted.js';
import { memoryPair, type Tamper } from '../../src/migration/transport/memory.js';
import { migrate, type SourceOptions } from '../../src/migration/source.js';
import { receive, type DestinationOptions, type Received } from '../../src/migration/destination.js';
import type { MigrationReport } from '../../src/migration/report.js';
import { guestPath } from './guests.js';

export const VMM_STRATEGIES = ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'] as const;

/** The bare `dirty` guest: `pages` pages incremented `passes` times. */
export async function bareDirty(pages: number, passes: number, ramBytes = 4 << 20): Promise<{ vm: BareVm; image: LoadedImage }> {
  const machine = await Machine.create({ ramBytes });
  const image = parseImage(readFileSync(guestPath('dirty')), { base: GUEST_RAM_BASE, size: BigInt(ramBytes) });
  loadImage(machine, image);
  machine.write64(image.symbols.get('dirty_pages')!, BigInt(pages));
  machine.write64(image.symbols.get('dirty_passes')!, BigInt(passes));
  return { vm: new BareVm(machine), image };
}

const images = new Map<string, LoadedImage>();
/**
 * minios under a VMM strategy with these boot arguments (under pv its port, minios-pv), on a host
 * that gives it `env` (a disk, a network).
 */
export async function miniosVm(strategy: Exclude<StrategyName, 'native'>, bootargs: string, ramBytes = 64 << 20, env: VmHostEnv = {}): Promise<{ vm: VmmVm; image: LoadedImage }> {
  const name = strategy === 'pv' ? 'minios-pv' : 'minios';
  let image = images.get(name);
  if (!image) images.set(name, (image = parseImage(readFileSync(guestPath(name)), { base: GUEST_RAM_BASE, size: 1n << 30n })));
  const vm = await VmmVm.create(strategy, ramBytes, false, env);
  vm.boot(image);
  vm.vm.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode(bootargs + '\0'));
  return { vm, image };
}

/** minios on a bare machine (its own M-mode stub) with these boot arguments. */
export async function miniosBare(bootargs: string, ramBytes = 64 << 20): Promise<{ vm: BareVm; image: LoadedImage }> {
  const machine = await Machine.create({ ramBytes });
  const image = parseImage(readFileSync(guestPath('minios')), { base: GUEST_RAM_BASE, size: BigInt(ramBytes) });
  loadImage(machine, image);
  machine.writePhys(image.symbols.get('minios_bootargs')!, new TextEncoder().encode(bootargs + '\0'));
  return { vm: new BareVm(machine), image };
}

/** Runs a VM to its end here; its whole output and how it ended. */
export function runToEnd(vm: HostedVm, max = 2e9): { output: string; end: string } {
  let output = '';
  for (let done = 0; done < max; done += 1 << 22) {
    const r = vm.run(1 << 22);
    output += vm.takeOutput();
    if (r.kind !== 'running') return { output, end: r.kind === 'halt' ? `halt ${r.code}` : r.kind };
  }
  return { output, end: 'budget' };
}

export interface InMemoryMigration { report?: MigrationReport; received?: Received; sourceError?: Error; destError?: Error; sourceOutput: string }

/** Migrates `vm` to a destination in this process; both sides' results (or errors). */
export async function migrateInMemory(vm: HostedVm, source: SourceOptions = {}, dest: DestinationOptions = {}, tamper?: Tamper): Promise<InMemoryMigration> {
  const [a, b] = memoryPair(tamper);
  let sourceOutput = '';
  const out: InMemoryMigration = { sourceOutput };
  const d = receive(b, dest).then((r) => { out.received = r; }, (e: Error) => { out.destError = e; });
  await migrate(vm, a, { ...source, onOutput: (t) => { sourceOutput += t; } }).then((r) => { out.report = r; }, (e: Error) => { out.sourceError = e; });
  await d;
  out.sourceOutput = sourceOutput;
  return out;
}

/** A digest of a whole bare machine: hart, devices and RAM. */
export function machineDigest(vm: BareVm): string {
  const h = vm.machine.saveHart();
  return createHash('sha256').update(new Uint8Array(h.state.buffer)).update(h.rings).update(vm.machine.readPhys(RAM_BASE, vm.ramBytes)).digest('hex');
}
