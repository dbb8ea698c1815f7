/**
 * The interleaved isolation check: two VMs on one host under one strategy, run in alternating
 * slices on the one hart as a scheduler would, with every frame the running VM does not own (the
 * other VM's and the free pool's) compared before and after each of its slices. What it reports: the
 * slices after which a foreign frame had changed, both VMs' outcomes and the victim's output, which
 * the caller compares with the victim's solo run.
 */
import { Machine } from '../../bindings/machine.js';
import type { LoadedImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm } from '../../src/vmm/vm.js';
import { runSlice, type SliceOutcome } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import type { Strategy, StrategyContext, StrategyName } from '../../src/vmm/strategy.js';
import { FUZZ_RAM } from './isolation-guests.js';

export type VmmStrategy = Exclude<StrategyName, 'native'>;
/** A strategy by name, or a factory (for a deliberately broken one that shows the check can fail). */
export type StrategyChoice = VmmStrategy | ((ctx: StrategyContext) => Strategy);
const make = (c: StrategyChoice, ctx: StrategyContext) => (typeof c === 'string' ? makeStrategy(c, ctx) : c(ctx));

export interface InterleaveOptions {
  /** Instructions per slice (default 10,000). */
  slice?: number;
  /** Slices per VM at most (default 400). */
  maxSlices?: number;
  /** Slices the attacker keeps running after the victim ended (default 3). */
  tail?: number;
  /** VMM pages each VM reserves (default 256). */
  vmmPages?: number;
}

export interface InterleaveResult {
  victim: SliceOutcome;
  victimOutput: string;
  attacker: SliceOutcome;
  /** One line per slice after which a frame the running VM does not own had changed. */
  violations: string[];
  slices: number;
}

const SPARE_FRAMES = 64;

/** Runs `images` (attacker first, victim second) interleaved under one strategy instance. */
export async function interleave(strategy: StrategyChoice, attacker: LoadedImage, victim: LoadedImage, o: InterleaveOptions = {}): Promise<InterleaveResult> {
  const vmmPages = o.vmmPages ?? 256;
  const vmmBytes = 2 * vmmPages * 4096;
  const m = await Machine.create({ ramBytes: vmmBytes + 2 * FUZZ_RAM + SPARE_FRAMES * 4096 });
  const host = new HostMemory(m, vmmBytes);
  const s = make(strategy, { machine: m, host });
  const vms = [new Vm(1, host, FUZZ_RAM, { vmmPages }), new Vm(2, host, FUZZ_RAM, { vmmPages })];
  s.boot(vms[0], attacker);
  s.boot(vms[1], victim);
  const framesBytes = m.ramBytes - vmmBytes;
  const violations: string[] = [];
  const outcomes: SliceOutcome[] = [{ kind: 'preempted' }, { kind: 'preempted' }];
  let slices = 0, tail = o.tail ?? 3;
  for (let turn = 0; turn < (o.maxSlices ?? 400) && tail > 0; turn++) {
    for (const [i, vm] of vms.entries()) {
      if (vm.ended) continue;
      const before = m.readPhys(host.framesBase, framesBytes);
      outcomes[i] = runSlice(m, vm, s, o.slice ?? 10_000);
      slices++;
      const after = m.readPhys(host.framesBase, framesBytes);
      const changed = changedForeignFrames(host, vm.id, before, after);
      if (changed.length) violations.push(`slice ${slices} of VM ${vm.id} changed ${changed.length} foreign frame(s): ${changed.slice(0, 4).join(', ')}`);
    }
    if (vms[1].ended) tail--;
    if (vms[0].ended && vms[1].ended) break;
  }
  return { victim: outcomes[1], victimOutput: vms[1].console, attacker: outcomes[0], violations, slices };
}

function changedForeignFrames(host: HostMemory, running: number, before: Uint8Array, after: Uint8Array): string[] {
  const a = Buffer.from(before.buffer, before.byteOffset, before.length), b = Buffer.from(after.buffer, after.byteOffset, after.length);
  const out: string[] = [];
  for (let off = 0; off < before.length; off += 4096) {
    const hpa = host.framesBase + BigInt(off);
    const owner = host.ownerOf(hpa);
    if (owner === running) continue;
    if (a.compare(b, off, off + 4096, off, off + 4096) !== 0) out.push(`0x${hpa.toString(16)} (${owner === undefined ? 'free' : `VM ${owner}`})`);
  }
  return out;
}

/** The victim's output when it runs alone under `strategy`. */
export async function soloOutput(strategy: VmmStrategy, victim: LoadedImage): Promise<string> {
  const m = await Machine.create({ ramBytes: 256 * 4096 + FUZZ_RAM });
  const host = new HostMemory(m, 256 * 4096);
  const vm = new Vm(1, host, FUZZ_RAM, { vmmPages: 256 });
  const s = makeStrategy(strategy, { machine: m, host });
  s.boot(vm, victim);
  const out = runSlice(m, vm, s, 50_000_000);
  if (out.kind !== 'halt' || out.code !== 0) throw new Error(`the victim alone under ${strategy} ended ${JSON.stringify(out)}: ${vm.console}`);
  return vm.console;
}

/** What is wrong with one interleaved run, or an empty list. */
export function problems(r: InterleaveResult, solo: string): string[] {
  const p = [...r.violations];
  if (r.victim.kind !== 'halt' || r.victim.code !== 0) p.push(`the victim ended ${JSON.stringify(r.victim)}`);
  if (r.victimOutput !== solo) p.push(`the victim printed ${JSON.stringify(r.victimOutput)}, alone ${JSON.stringify(solo)}`);
  for (const [who, o] of [['victim', r.victim], ['attacker', r.attacker]] as const) {
    if (o.kind === 'crash' && o.why.startsWith('VMM fault')) p.push(`the VMM threw while running the ${who}: ${o.why}`);
  }
  return p;
}
