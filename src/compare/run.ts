/**
 * One comparison run: a workload under a strategy (or natively) on a fresh machine, with the
 * guest's output, the counters the cost model prices, and the wall time.
 */
import type { LoadedImage } from '../loader/index.js';
import { Machine, type HartProfile } from '../../bindings/machine.js';
import { loadImage } from '../machine/boot.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm } from '../vmm/vm.js';
import { runVm } from '../vmm/runner.js';
import { STRATEGIES, type Strategy, type StrategyContext, type StrategyName } from '../vmm/strategy.js';
import { TrapEmulate } from '../vmm/strategies/trap-emulate.js';
import { HwShadow } from '../vmm/strategies/hw-shadow.js';
import { HwNested } from '../vmm/strategies/hw-nested.js';
import { BinaryTranslation, type BtOptions } from '../bt/bt.js';
import { PvStrategy } from '../pv/strategy.js';
import { MmioBus } from '../vdev/bus.js';
import { VmDma } from '../vdev/dma.js';
import { attachDevices, serveMmio } from '../machine/devices.js';
import { MemoryBlockStore, patternDisk, type BlockStore } from '../vdev/block-store.js';
import type { RunCounts } from '../cost/model.js';
import { readCounts, total } from '../cost/counts.js';
import { bootargs } from './workloads.js';
import { ConsoleLog } from '../vmm/console.js';

/** Bytes of guest RAM a comparison run gets. */
export const GUEST_RAM = 64 << 20;
const VMM_RAM = 32 << 20;
const MAX_INSTRUCTIONS = 4e9;

/** One comparison run: the guest's outcome and output, its counters and its wall time. */
export interface RunResult {
  workload: string;
  strategy: string;
  count: number;
  /** How the guest ended: 'halt 0' is success. */
  outcome: string;
  /** The guest's console output. */
  output: string;
  wallMs: number;
  counts: RunCounts;
  tlb: { hits: number; misses: number };
  walks: number;
  ptWrites: number;
  hiddenFaults: number;
}

const sum = total;

/**
 * The steady-state cost of `count` iterations: a run of `count` minus a run of 0 (the same boot,
 * the same process creation), so booting the guest kernel, which is not what the microbenchmarks
 * measure, cancels out. The output is the full run's.
 */
export async function runMeasured(image: LoadedImage, workload: string, count: number, strategy: string, hw: Hardware = {}, extras: RunExtras = {}): Promise<RunResult> {
  const full = await runOne(image, workload, count, strategy, hw, extras);
  const base = await runOne(image, workload, 0, strategy, hw, extras);
  const d = (a: number, b: number) => Math.max(0, a - b);
  const exits: Record<string, number> = {};
  for (const [k, v] of Object.entries(full.counts.exits)) {
    const n = d(v, base.counts.exits[k] ?? 0);
    if (n > 0) exits[k] = n;
  }
  const c = full.counts, b = base.counts;
  return {
    ...full,
    outcome: full.outcome === 'halt 0' && base.outcome !== 'halt 0' ? `baseline ${base.outcome}` : full.outcome,
    wallMs: d(full.wallMs, base.wallMs),
    counts: {
      instructions: d(c.instructions, b.instructions), walkRefs: d(c.walkRefs, b.walkRefs), tlbFlushes: d(c.tlbFlushes, b.tlbFlushes), exits,
      emulated: d(c.emulated, b.emulated), shadowUpdates: d(c.shadowUpdates, b.shadowUpdates), guestWalkRefs: d(c.guestWalkRefs, b.guestWalkRefs), reflected: d(c.reflected, b.reflected),
      translated: d(c.translated, b.translated),
      validatedPtes: d(c.validatedPtes ?? 0, b.validatedPtes ?? 0),
    },
    tlb: { hits: d(full.tlb.hits, base.tlb.hits), misses: d(full.tlb.misses, base.tlb.misses) },
    walks: d(full.walks, base.walks),
    ptWrites: d(full.ptWrites, base.ptWrites),
    hiddenFaults: d(full.hiddenFaults, base.hiddenFaults),
  };
}

/** The host hardware's options, the same for every strategy: the walk accelerators of Bhargava et al. */
export interface Hardware {
  walkCaches?: { pwc: boolean; ntlb: boolean };
  /** The hart's ISA profile (default standard; 'critical': non-virtualizable, docs/BT.md). */
  profile?: HartProfile;
}

/** What else a run gets: the strategy's parameters, and the disk behind the machine's block device. */
export interface RunExtras {
  params?: Record<string, string>;
  /** Default: the io workload's disk (4 MiB of a fixed pattern, read-only). */
  disk?: BlockStore;
}

let patternStore: BlockStore | undefined;
/** The disk every comparison run has: the same bytes for every strategy, so the io workload's checksum must agree. */
export function comparisonDisk(): BlockStore {
  return (patternStore ??= new MemoryBlockStore(patternDisk(4 << 20), true));
}

/** Runs `workload` `count` times under `strategy` on a fresh machine (with a block device on comparisonDisk()). */
export async function runOne(image: LoadedImage, workload: string, count: number, strategy: string, hw: Hardware = {}, extras: RunExtras = {}): Promise<RunResult> {
  if (!isStrategyName(strategy)) throw new Error(`unknown strategy "${strategy}" (known: ${STRATEGIES.join(', ')})`);
  const disk = extras.disk ?? comparisonDisk();
  const args = new TextEncoder().encode(bootargs(workload, count) + '\0');
  const at = image.symbols.get('minios_bootargs');
  if (at === undefined) throw new Error('the guest image has no minios_bootargs symbol');
  if (strategy === 'native') return runNative(image, at, args, workload, count, hw, disk);
  const machine = await Machine.create({ ramBytes: GUEST_RAM + VMM_RAM });
  configureHardware(machine, hw);
  const host = new HostMemory(machine, VMM_RAM);
  const vm = new Vm(1, host, GUEST_RAM);
  const s = makeStrategy(strategy, { machine, host, params: extras.params, disk });
  // The emulated block device (virtio-mmio) for the fully virtualized guests; the PV guest gets a split driver instead.
  if (strategy !== 'pv') vm.mmio = new MmioBus(new VmDma(vm.p2m), disk);
  s.boot(vm, image);
  vm.p2m.write(at, args);
  const t0 = performance.now();
  const outcome = runVm(machine, vm, s, { maxInstructions: MAX_INSTRUCTIONS });
  const wallMs = performance.now() - t0;
  return result(machine, workload, count, strategy, outcome.kind === 'halt' ? `halt ${outcome.code}` : outcome.kind === 'crash' ? `crash: ${outcome.why}` : 'budget',
    vm.console, wallMs, vm.stats);
}

/** Whether `name` is a strategy of this build (cells name strategies as plain strings). */
export const isStrategyName = (name: string): name is StrategyName => (STRATEGIES as string[]).includes(name);

/** A strategy by name; `bt` takes its options (the adaptive thresholds, counting in-TC emulations). */
export function makeStrategy(name: Exclude<StrategyName, 'native'>, ctx: StrategyContext, bt: BtOptions = {}): Strategy {
  switch (name) {
    case 'trap-emulate': return new TrapEmulate(ctx);
    case 'hw-shadow': return new HwShadow(ctx);
    case 'hw-nested': return new HwNested(ctx);
    case 'bt': return new BinaryTranslation(ctx, bt);
    case 'pv': return new PvStrategy(ctx, { cmdline: pvCmdline(ctx.params) });
  }
}

/** The PV kernel's command line from the strategy's parameters: `--set pv.batch=N` becomes "batch=N". */
function pvCmdline(params: Record<string, string> = {}): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ');
}

function configureHardware(machine: Machine, hw: Hardware): void {
  if (hw.walkCaches) machine.configure({ walkCaches: hw.walkCaches });
  if (hw.profile) machine.configure({ profile: hw.profile });
}

/** Bare hardware: the whole image (its M-mode stub included) on a machine of the guest's size. */
async function runNative(image: LoadedImage, at: bigint, args: Uint8Array, workload: string, count: number, hw: Hardware, disk: BlockStore): Promise<RunResult> {
  const machine = await Machine.create({ ramBytes: GUEST_RAM });
  configureHardware(machine, hw);
  const bus = attachDevices(machine, disk);
  loadImage(machine, image);
  machine.writePhys(at, args);
  const console = new ConsoleLog(); // bounded, as a VM's is
  const t0 = performance.now();
  let outcome = 'budget';
  while (machine.instructions < BigInt(MAX_INSTRUCTIONS)) {
    const e = machine.run(1 << 22);
    console.write(machine.drainConsole());
    if (e.reason === 'budget') continue;
    if (e.reason === 'mmio') { serveMmio(machine, bus, e); continue; }
    outcome = e.reason === 'halt' ? `halt ${e.code}` : `exit ${e.reason}`;
    break;
  }
  const wallMs = performance.now() - t0;
  console.write(machine.drainConsole());
  return result(machine, workload, count, 'native', outcome, console.text(), wallMs, undefined);
}

function result(machine: Machine, workload: string, count: number, strategy: string, outcome: string, output: string,
  wallMs: number, stats: Vm['stats'] | undefined): RunResult {
  const c = machine.counters();
  return {
    workload, strategy, count, outcome, output, wallMs,
    counts: readCounts(c, stats),
    tlb: { hits: sum(c.tlbHits), misses: sum(c.tlbMisses) },
    walks: sum(c.walks),
    ptWrites: stats?.ptWrites ?? 0,
    hiddenFaults: stats?.hiddenFaults ?? 0,
  };
}
