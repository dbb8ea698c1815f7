/**
 * A scenario made real: one machine whose memory HostMemory deals out to the VMs, each VM its guest
 * image booted under its strategy, every VM a vCPU of one host under the scenario's scheduler.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../loader/index.js';
import { HostMemory } from '../vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../vmm/vm.js';
import { makeStrategy } from '../compare/run.js';
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

export const DEFAULT_IMAGE = fileURLToPath(new URL('../../guests/build/minios.elf', import.meta.url));
const MIB = 1 << 20;
/** The VMM's own memory (G-stage and shadow tables): a base and a share per VM. */
const vmmBytes = (vms: number): number => (16 + 16 * vms) * MIB;

export interface GuestVm { spec: VmSpec; vm: Vm; body: GuestBody; vcpu: HostVcpu }

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

/** The guest image of a scenario (minios unless it names another). */
export function scenarioImage(s: Scenario): LoadedImage {
  const path = s.image ?? DEFAULT_IMAGE;
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new ScenarioError(`image: cannot read ${path}: ${(e as Error).message}`); }
  const size = BigInt(Math.min(...s.vms.map((v) => v.memMiB)) * MIB);
  try { return parseImage(bytes, { base: GUEST_RAM_BASE, size }); } catch (e) { throw new ScenarioError(`image: ${path}: ${(e as Error).message}`); }
}

export async function buildHost(s: Scenario, image: LoadedImage = scenarioImage(s)): Promise<BuiltHost> {
  const cost = scenarioCost(s);
  if (!(cost.cpi > 0)) throw new ScenarioError('cost.cpi: must be more than 0 on a host (virtual time advances with every instruction)');
  const at = image.symbols.get('minios_bootargs');
  if (at === undefined) throw new ScenarioError('image: has no minios_bootargs symbol to write the VMs\' boot arguments to');
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
  const guests = s.vms.map((spec, i) => {
    const vm = new Vm(i + 1, memory, spec.memMiB * MIB);
    const strategy = makeStrategy(spec.strategy, { machine, host: memory });
    strategy.boot(vm, image);
    vm.p2m.write(at, new TextEncoder().encode(spec.bootargs + '\0'));
    const body = new GuestBody(hart, vm, strategy, meter, clock);
    if (dom0) body.onOutput = (bytes, at) => dom0.submit(spec.name, at, bytes);
    return { spec, vm, body, vcpu: host.add(spec.name, spec.sched, body) };
  });
  return { scenario: s, machine, host, scheduler, cost, clock, guests, dom0 };
}
