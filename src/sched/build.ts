/**
 * A scenario made real: one machine whose memory HostMemory deals out to the VMs, each VM its guest
 * image booted under its strategy, every VM a vCPU of one host under the scenario's scheduler.
 */
import { guestImage } from '../package-files.js';
import { readFileSync } from 'node:fs';
import { Machine } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../loader/index.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../vmm/vm.js';
import { makeStrategy, comparisonDisk } from '../compare/run.js';
import type { Strategy } from '../vmm/strategy.js';
import { PvStrategy } from '../pv/strategy.js';
import { DEFAULT_COST, withOverrides, CostError, type CostModel } from '../cost/model.js';
import { Host } from './host.js';
import { Hart, GuestBody } from './guest.js';
import { Meter } from './meter.js';
import { Clock, TIMEBASE_HZ } from './time.js';
import { ScenarioError } from './params.js';
import type { Scenario, VmSpec } from './scenario.js';
import type { HostVcpu } from './vcpu.js';
import type { Scheduler } from './scheduler.js';
import { DriverDomain } from './dom0.js';
import { DOM0 } from './scenario.js';

export const DEFAULT_IMAGE = guestImage('minios.elf');
/** The kernel a pv VM boots unless it names its own image. */
export const PV_IMAGE = guestImage('minios-pv.elf');
const MIB = 1 << 20;
/** The VMM's own memory (G-stage and shadow tables): a base and a share per VM. */
const vmmBytes = (vms: number): number => (16 + 16 * vms) * MIB;

export interface GuestVm { spec: VmSpec; vm: Vm; strategy: Strategy; body: GuestBody; vcpu: HostVcpu }

export interface BuiltHost {
  scenario: Scenario;
  machine: Machine;
  host: Host;
  scheduler: Scheduler;
  cost: CostModel;
  clock: Clock;
  guests: GuestVm[];
  dom0: DriverDomain | undefined;
}

/** The cost model of a scenario (its overrides checked). */
export function scenarioCost(s: Scenario): CostModel {
  try {
    return withOverrides(DEFAULT_COST, s.cost);
  } catch (e) {
    if (e instanceof CostError) throw new ScenarioError(`cost: ${e.message}`);
    throw e;
  }
}

/** The guest image of a scenario (minios unless it names another): what its VMs boot unless they name their own (or run pv). */
export function scenarioImage(s: Scenario): LoadedImage {
  return readImage(s.image ?? DEFAULT_IMAGE, Math.min(...s.vms.map((v) => v.memMiB)), 'image');
}

/** The path of the image a VM boots when it does not boot the scenario's, or undefined. */
function ownImage(spec: VmSpec): string | undefined {
  return spec.image ?? (spec.strategy === 'pv' ? PV_IMAGE : undefined);
}

/** The image `spec` boots: its own, minios-pv for a pv VM, else the scenario's (`fallback`, if read already). */
export function vmImage(s: Scenario, spec: VmSpec, fallback?: LoadedImage): LoadedImage {
  const own = ownImage(spec);
  if (own === undefined) return fallback ?? scenarioImage(s);
  return readImage(own, spec.memMiB, `vms[${s.vms.indexOf(spec)}].image`);
}

function readImage(path: string, memMiB: number, field: string): LoadedImage {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new ScenarioError(`${field}: cannot read ${path}: ${(e as Error).message}`); }
  let image: LoadedImage;
  try { image = parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(memMiB * MIB) }); } catch (e) { throw new ScenarioError(`${field}: ${path}: ${(e as Error).message}`); }
  if (image.symbols.get('minios_bootargs') === undefined) throw new ScenarioError(`${field}: ${path} has no minios_bootargs symbol to write the VM's boot arguments to`);
  return image;
}

/** The strategy a VM's context builds; every pv VM shares one hypervisor (one Xen), whose domains get the io workload's disk. */
function strategyFor(spec: VmSpec, ctx: { machine: Machine; host: HostMemory }, shared: { pv?: PvStrategy }): Strategy {
  if (spec.strategy !== 'pv') return makeStrategy(spec.strategy, ctx);
  return (shared.pv ??= makeStrategy('pv', { ...ctx, disk: comparisonDisk() }) as PvStrategy);
}

export async function buildHost(s: Scenario, image?: LoadedImage): Promise<BuiltHost> {
  const cost = scenarioCost(s);
  if (!(cost.cpi > 0)) throw new ScenarioError('cost.cpi: must be more than 0 on a host (virtual time advances with every instruction)');
  if (!image && s.vms.some((v) => ownImage(v) === undefined)) image = scenarioImage(s);
  const images = s.vms.map((spec) => vmImage(s, spec, image));
  const clock = new Clock(s.clockHz);
  const vmm = vmmBytes(s.vms.length);
  const machine = await Machine.create({ ramBytes: vmm + s.vms.reduce((a, v) => a + v.memMiB * MIB, 0) });
  machine.configure({
    ...s.hardware,
    // mtime advances once per this many instructions: the guests' clock keeps up with the host's at the CPI.
    cyclesPerTick: Math.max(1, Math.round(s.clockHz / (cost.cpi * TIMEBASE_HZ))),
  });
  const memory = new HostMemory(machine, vmm);
  const scheduler = s.scheduler.kind.create(s.scheduler.params, s.pcpus, s.scheduler.raw, [...(s.dom0 ? [DOM0] : []), ...s.vms.map((v) => v.name)]);
  const host = new Host({ pcpus: s.pcpus, scheduler, switchNs: clock.ns(cost.exit.switch ?? cost.exit.default ?? 0), quantumNs: s.quantumNs, windowNs: s.windowNs });
  const meter = new Meter(machine, cost), hart = new Hart(machine);
  // Domain 0 first, as Xen creates it: a vCPU of the host like the guests'.
  const dom0 = s.dom0 ? new DriverDomain(host, cost, clock) : undefined;
  if (dom0) dom0.vcpu = host.add(DOM0, s.dom0!.sched, dom0);
  const shared: { pv?: PvStrategy } = {};
  const guests: GuestVm[] = s.vms.map((spec, i) => {
    const vm = new Vm(i + 1, memory, spec.memMiB * MIB);
    const strategy = strategyFor(spec, { machine, host: memory }, shared);
    strategy.boot(vm, images[i]);
    vm.p2m.write(images[i].symbols.get('minios_bootargs')!, new TextEncoder().encode(spec.bootargs + '\0'));
    const body = new GuestBody(hart, vm, strategy, meter, clock);
    if (dom0) body.onOutput = (bytes, at) => dom0.submit(spec.name, at, bytes);
    return { spec, vm, strategy, body, vcpu: host.add(spec.name, spec.sched, body) };
  });
  if (dom0 && shared.pv) serveBlockInDom0(host, dom0, shared.pv, guests);
  return { scenario: s, machine, host, scheduler, cost, clock, guests, dom0 };
}

/**
 * The pv VMs' block backend runs in dom0: a frontend's notification queues the backend's job to
 * dom0 (at the guest's time), dom0 does it when it runs, and its response wakes the guest's
 * vCPU, blocked in SCHEDOP_block (an event for it: under Credit, a BOOST).
 */
function serveBlockInDom0(host: Host, dom0: DriverDomain, pv: PvStrategy, guests: GuestVm[]): void {
  const block = pv.blockBackend;
  if (!block) return;
  const byDomid = new Map(guests.filter((g) => g.strategy === pv).map((g) => [g.vm.id, g]));
  block.defer = (job) => {
    const g = byDomid.get(job.domid);
    if (!g) throw new Error(`the block backend served domain ${job.domid}, which is no VM of this host`);
    dom0.submitJob(g.spec.name, dom0.completingAt ?? g.body.clockNow() ?? host.now, job);
  };
  dom0.onServed = (client, at) => {
    const g = guests.find((x) => x.spec.name === client);
    if (g && pv.eventArrived(g.vm) && g.vcpu.state === 'blocked') host.wakeAt(g.vcpu, at);
  };
}
