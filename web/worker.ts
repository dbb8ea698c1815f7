/**
 * The Web Worker that runs guests, so the page's main thread never blocks: a guest booted natively
 * or under a VMM strategy (its console and counters posted as it runs), or the comparison's cells.
 * It uses the vmlab package as any user would.
 */
import { boot, Machine, parseImage, runSession, machineStats, type LoadedImage } from 'vmlab';
import { HostMemory, Vm, runVm, vmStats, GUEST_RAM_BASE } from 'vmlab/vmm';
import { makeStrategy, isStrategyName, planCells, runCell, checkImage, buildRows, type CellResult, type ImageRef } from 'vmlab/compare';
import { DEFAULT_COST } from 'vmlab/cost';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker) => postMessage(m);
const GUEST_RAM = 64 << 20, VMM_RAM = 32 << 20;
const input: string[] = [];

// A yield to the worker's event loop that setTimeout's clamping does not slow down.
const channel = new MessageChannel();
const yieldNow = () => new Promise<void>((resolve) => { channel.port1.onmessage = () => resolve(); channel.port2.postMessage(0); });

/** Writes minios's boot arguments (its `minios_bootargs` symbol) through `write`. */
function bootargsAt(image: LoadedImage, text: string | undefined, write: (at: bigint, bytes: Uint8Array) => void): void {
  if (text === undefined) return;
  const at = image.symbols.get('minios_bootargs');
  if (at === undefined) throw new Error('this image takes no boot arguments (it has no minios_bootargs symbol)');
  if (text.length > 255) throw new Error('boot arguments are longer than 255 bytes');
  write(at, new TextEncoder().encode(text + '\0'));
}

async function runNative(bytes: Uint8Array, bootargs?: string): Promise<string> {
  const { machine, image } = await boot(bytes);
  bootargsAt(image, bootargs, (at, b) => machine.writePhys(at, b));
  const decoder = new TextDecoder();
  const t0 = performance.now();
  const r = await runSession(machine, {
    slice: 1 << 20,
    onOutput: (b) => post({ type: 'output', text: decoder.decode(b, { stream: true }) }),
    input: () => (input.length ? new TextEncoder().encode(input.splice(0).join('')) : undefined),
    onSlice: async () => {
      post({ type: 'stats', rows: machineStats(machine, { instructions: machine.instructions, seconds: (performance.now() - t0) / 1000 }) });
      await yieldNow();
    },
  });
  post({ type: 'stats', rows: machineStats(machine, r) });
  return r.outcome.kind === 'halt' ? `halted with exit code ${r.outcome.code}` : r.outcome.kind;
}

async function runUnderVmm(bytes: Uint8Array, strategy: string, bootargs?: string): Promise<string> {
  if (!isStrategyName(strategy) || strategy === 'native') throw new Error(`unknown VMM strategy "${strategy}"`);
  const image = parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
  const machine = await Machine.create({ ramBytes: GUEST_RAM + VMM_RAM });
  const host = new HostMemory(machine, VMM_RAM);
  const decoder = new TextDecoder();
  const vm = new Vm(1, host, GUEST_RAM, { consoleSink: (b) => post({ type: 'output', text: decoder.decode(b, { stream: true }) }) });
  const s = makeStrategy(strategy, { machine, host });
  s.boot(vm, image);
  bootargsAt(image, bootargs, (at, b) => vm.p2m.write(at, b));
  const t0 = performance.now();
  let posted = 0;
  const flush = (force = false) => {
    if (!force && performance.now() - posted < 50) return; // a few updates a second is live enough
    posted = performance.now();
    vm.consoleLog.flush();
    post({ type: 'stats', rows: vmStats(machine, vm, (performance.now() - t0) / 1000) });
  };
  // runVm is synchronous: the worker is busy, the page is not (messages still reach it). Slices
  // shorter than minios's timer tick (1M instructions), so most of them end on the budget and report.
  const out = runVm(machine, vm, s, { slice: 1 << 16, onSlice: () => flush() });
  flush(true);
  return out.kind === 'halt' ? `halted with exit code ${out.code}` : out.kind === 'crash' ? `stopped by the VMM: ${out.why}` : 'budget spent';
}

async function compare(m: Extract<ToWorker, { type: 'compare' }>): Promise<void> {
  const images = new Map<string, Uint8Array>(); // by URI: each image fetched and checked once
  const bytesOf = async (ref: ImageRef) => {
    let bytes = images.get(ref.uri);
    if (!bytes) {
      bytes = new Uint8Array(await (await fetch(ref.uri)).arrayBuffer());
      await checkImage(ref, bytes);
      images.set(ref.uri, bytes);
    }
    return bytes;
  };
  const cells = planCells({ image: m.image, imageOf: m.imageOf, workloads: m.workloads, strategies: m.strategies, hardware: {}, cost: DEFAULT_COST });
  const runs: CellResult[] = [];
  for (const cell of cells) {
    post({ type: 'progress', finished: runs.length, total: cells.length, label: `${cell.workload} under ${cell.strategy}` });
    runs.push(await runCell(cell, await bytesOf(cell.image)));
  }
  post({ type: 'progress', finished: runs.length, total: cells.length, label: 'done' });
  post({ type: 'rows', rows: buildRows(runs, DEFAULT_COST) });
}

onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    if (m.type === 'input') { input.push(m.text); return; }
    if (m.type === 'compare') { await compare(m); return; }
    const bytes = new Uint8Array(m.bytes);
    const outcome = m.strategy === 'native' ? await runNative(bytes, m.bootargs) : await runUnderVmm(bytes, m.strategy, m.bootargs);
    post({ type: 'done', outcome });
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
