/**
 * A host scenario, as a JSON file or built from `vmlab host` options: the pCPUs, the scheduler and
 * its parameters, the host hardware, and the VMs with their guest, strategy, boot arguments and
 * scheduling parameters. `readScenario` checks everything before anything runs and names the field
 * of the first problem (`vms[2].sched.weight: must be an integer in 1..65535, not 0`).
 */
import { ScenarioError, readParams, type Params } from './params.js';
import { schedulerKind, SCHEDULERS } from './schedulers/index.js';
import type { SchedulerKind } from './scheduler.js';
import { STRATEGIES, type StrategyName } from '../vmm/strategy.js';
import { DEFAULT_CLOCK_HZ } from './time.js';

export type GuestStrategy = Exclude<StrategyName, 'native'>;

export interface VmSpec {
  name: string;
  strategy: GuestStrategy;
  /** minios boot arguments ("compute=1000000 tick=100000"). */
  bootargs: string;
  memMiB: number;
  /** The scheduler's per-VM parameters, defaults filled in. */
  sched: Params;
  /** Its own guest image (default: the scenario's, or minios-pv for a pv VM). */
  image?: string;
}

export interface Scenario {
  pcpus: number;
  scheduler: { kind: SchedulerKind; params: Params; raw: Record<string, unknown> };
  /** Virtual time to run for (ns); Infinity: until every VM has ended. */
  durationNs: number;
  clockHz: number;
  quantumNs: number;
  windowNs: number;
  /** Cost-model overrides (checked when the host is built). */
  cost: unknown;
  hardware: { tlb?: { entries: number; ways: number }; walkCaches?: { pwc: boolean; ntlb: boolean } };
  /** Guest kernel image (default: minios; a pv VM boots minios-pv unless it names its own). */
  image?: string;
  vms: VmSpec[];
  /** A driver domain serving the guests' console I/O and the pv VMs' block I/O on the same pCPUs, with its scheduling parameters. */
  dom0: { sched: Params } | undefined;
}

const TOP_KEYS = ['pcpus', 'scheduler', 'durationMs', 'clockHz', 'quantumUs', 'windowMs', 'cost', 'hardware', 'image', 'vms', 'dom0', 'about'];
/** The driver domain's name; no VM may take it. */
export const DOM0 = 'dom0';
const VM_KEYS = ['name', 'strategy', 'bootargs', 'memMiB', 'sched', 'count', 'image'];
const GUEST_STRATEGIES = STRATEGIES.filter((s): s is GuestStrategy => s !== 'native');

/** A scenario from parsed JSON. */
export function readScenario(raw: unknown): Scenario {
  const o = object(raw, 'scenario');
  unknownKeys(o, TOP_KEYS, 'scenario');
  const pcpus = int(o.pcpus ?? 1, 'pcpus', 1, 64);
  const sched = readScheduler(o.scheduler ?? 'credit');
  const vms = readVms(o.vms, sched.kind);
  const dom0 = readDom0(o.dom0, sched.kind);
  const names = [...(dom0 ? [DOM0] : []), ...vms.map((v) => v.name)];
  const s: Scenario = {
    pcpus,
    scheduler: sched,
    durationNs: o.durationMs === undefined ? Infinity : number(o.durationMs, 'durationMs', 0.001, 3_600_000) * 1e6,
    clockHz: number(o.clockHz ?? DEFAULT_CLOCK_HZ, 'clockHz', 1e7, 1e11),
    quantumNs: number(o.quantumUs ?? 1000, 'quantumUs', 10, 1e6) * 1e3,
    windowNs: number(o.windowMs ?? 10, 'windowMs', 0.1, 1e6) * 1e6,
    cost: o.cost ?? {},
    hardware: readHardware(o.hardware),
    image: o.image === undefined ? undefined : string(o.image, 'image'),
    vms,
    dom0,
  };
  sched.kind.create(sched.params, pcpus, sched.raw, names); // a static schedule (ARINC 653) is checked against the VMs here
  return s;
}

function readScheduler(raw: unknown): Scenario['scheduler'] {
  const o = typeof raw === 'string' ? { name: raw } : object(raw, 'scheduler');
  const name = string(o.name, 'scheduler.name');
  const kind = schedulerKind(name);
  if (!kind) throw new ScenarioError(`scheduler.name: unknown scheduler "${name}" (known: ${SCHEDULERS.map((k) => k.name).join(', ')})`);
  const extra = Object.keys(o).filter((k) => k !== 'name' && k !== 'params' && !(kind.hostTables ?? []).includes(k));
  if (extra.length) throw new ScenarioError(`scheduler.${extra[0]}: unknown field`);
  return { kind, params: readParams(kind.hostParams, o.params, 'scheduler.params'), raw: o };
}

function readVms(raw: unknown, kind: SchedulerKind): VmSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ScenarioError('vms: must be a non-empty array of VMs');
  const out: VmSpec[] = [];
  raw.forEach((r, i) => {
    const path = `vms[${i}]`;
    const o = object(r, path);
    unknownKeys(o, VM_KEYS, path);
    const count = int(o.count ?? 1, `${path}.count`, 1, 64);
    const name = string(o.name ?? `vm${i}`, `${path}.name`);
    const strategy = string(o.strategy ?? 'hw-nested', `${path}.strategy`) as GuestStrategy;
    if (!GUEST_STRATEGIES.includes(strategy)) throw new ScenarioError(`${path}.strategy: unknown strategy "${strategy}" (known: ${GUEST_STRATEGIES.join(', ')})`);
    const bootargs = string(o.bootargs, `${path}.bootargs`);
    if (bootargs.length > 255) throw new ScenarioError(`${path}.bootargs: longer than minios's 255 bytes`);
    const memMiB = int(o.memMiB ?? 32, `${path}.memMiB`, 32, 1024);
    const sched = readParams(kind.vmParams, o.sched, `${path}.sched`);
    kind.checkVm?.(sched, `${path}.sched`);
    const image = o.image === undefined ? undefined : string(o.image, `${path}.image`);
    for (let k = 0; k < count; k++) out.push({ name: count > 1 ? `${name}${k + 1}` : name, strategy, bootargs, memMiB, sched, ...(image ? { image } : {}) });
  });
  const seen = new Set<string>([DOM0]);
  for (const v of out) {
    if (seen.has(v.name)) throw new ScenarioError(v.name === DOM0 ? `vms: "${DOM0}" is the driver domain's name` : `vms: two VMs are named "${v.name}"`);
    seen.add(v.name);
  }
  return out;
}

function readDom0(raw: unknown, kind: SchedulerKind): Scenario['dom0'] {
  if (raw === undefined || raw === false) return undefined;
  const o = raw === true ? {} : object(raw, 'dom0');
  unknownKeys(o, ['sched'], 'dom0');
  const given = o.sched === undefined ? {} : object(o.sched, 'dom0.sched');
  const sched = readParams(kind.vmParams, { ...(kind.dom0Defaults ?? {}), ...given }, 'dom0.sched');
  kind.checkVm?.(sched, 'dom0.sched');
  return { sched };
}

function readHardware(raw: unknown): Scenario['hardware'] {
  if (raw === undefined) return {};
  const o = object(raw, 'hardware');
  unknownKeys(o, ['tlb', 'walkCaches'], 'hardware');
  const out: Scenario['hardware'] = {};
  if (o.tlb !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(string(o.tlb, 'hardware.tlb'));
    if (!m) throw new ScenarioError(`hardware.tlb: "${o.tlb}" is not a geometry like 64x4`);
    out.tlb = { entries: Number(m[1]), ways: Number(m[2]) };
  }
  if (o.walkCaches !== undefined) {
    const parts = string(o.walkCaches, 'hardware.walkCaches').split(',').map((p) => p.trim()).filter((p) => p && p !== 'none');
    const bad = parts.find((p) => p !== 'pwc' && p !== 'ntlb');
    if (bad) throw new ScenarioError(`hardware.walkCaches: unknown walk cache "${bad}" (pwc, ntlb or none)`);
    out.walkCaches = { pwc: parts.includes('pwc'), ntlb: parts.includes('ntlb') };
  }
  return out;
}

// --- field checks ---

export function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ScenarioError(`${path}: must be an object`);
  return v as Record<string, unknown>;
}
export function unknownKeys(o: Record<string, unknown>, known: string[], path: string): void {
  const bad = Object.keys(o).find((k) => !known.includes(k));
  if (bad) throw new ScenarioError(`${path}.${bad}: unknown field (known: ${known.join(', ')})`);
}
export function string(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ScenarioError(`${path}: must be a non-empty string${v === undefined ? ' (missing)' : `, not ${JSON.stringify(v)}`}`);
  return v;
}
export function number(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ScenarioError(`${path}: must be a number in ${min}..${max}, not ${JSON.stringify(v)}`);
  return v;
}
export function int(v: unknown, path: string, min: number, max: number): number {
  if (!Number.isInteger(v)) throw new ScenarioError(`${path}: must be an integer in ${min}..${max}, not ${JSON.stringify(v)}`);
  return number(v, path, min, max);
}
