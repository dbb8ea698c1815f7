/**
 * A cloud trace: the provider's hosts (zone, hardware generation, cores, memory), the price list,
 * the placement policy, and a sequence of requests in hours: launch an instance of a type in a
 * zone or region running a guest workload, terminate it, transfer data between instances. It is
 * checked as a whole before anything runs; a bad field is named (`events[3].type: unknown
 * instance type "huge"`).
 */
import { ScenarioError } from '../sched/params.js';
import { object, string, number, int, unknownKeys } from '../sched/scenario.js';
import { instanceType, priceList, INSTANCE_TYPES, PRICE_LISTS, type InstanceType, type Os, type PriceList } from './instance-types.js';
import { GENERATIONS, type Generation } from './generations.js';
import { DEFAULT_FEES, type TrafficFees, type Zone } from './zones.js';
import { PLACEMENTS, type PlacementPolicy } from './placement/index.js';

export interface HostSpec { zone: Zone; generation: Generation; cores: number; memoryGb: number }

export type TraceEvent =
  | { atS: number; kind: 'launch'; name: string; type: InstanceType; os: Os; zone?: string; region?: string; workload: string }
  | { atS: number; kind: 'terminate'; name: string }
  | { atS: number; kind: 'transfer'; from: string; to: string; gb: number };

export interface Trace {
  prices: PriceList;
  placement: PlacementPolicy;
  fees: TrafficFees;
  hosts: HostSpec[];
  events: TraceEvent[];
  /** When instances still running are billed up to (s). */
  endS: number;
  /** Virtual time each placement's performance is measured for, after a warm-up (ns). */
  sampleNs: number;
  warmupNs: number;
}

const HOUR = 3600;
const ZONE = /^([a-z]+-[a-z]+-\d+)([a-z])$/;

export function zoneOf(name: string, path: string): Zone {
  const m = ZONE.exec(name);
  if (!m) throw new ScenarioError(`${path}: "${name}" is not a zone name like us-east-1a (a region and a letter)`);
  return { name, region: m[1] };
}

export function readTrace(raw: unknown): Trace {
  const o = object(raw, 'trace');
  unknownKeys(o, ['about', 'prices', 'placement', 'fees', 'generations', 'hosts', 'events', 'endHours', 'sampleMs', 'warmupMs'], 'trace');
  const prices = priceList(string(o.prices ?? 'seed', 'prices'));
  if (!prices) throw new ScenarioError(`prices: unknown price list "${o.prices}" (known: ${PRICE_LISTS.map((p) => p.name).join(', ')})`);
  const placement = PLACEMENTS.find((p) => p.name === string(o.placement ?? 'first-fit', 'placement'));
  if (!placement) throw new ScenarioError(`placement: unknown policy "${o.placement}" (known: ${PLACEMENTS.map((p) => p.name).join(', ')})`);
  const generations = readGenerations(o.generations);
  const hosts = readHosts(o.hosts, generations);
  const events = readEvents(o.events, prices, new Set(hosts.map((h) => h.zone.name)));
  const last = Math.max(0, ...events.map((e) => e.atS));
  const endS = o.endHours === undefined ? last : Math.round(number(o.endHours, 'endHours', 0, 1e6) * HOUR);
  if (endS < last) throw new ScenarioError(`endHours: ${o.endHours} is before the last event (at ${last / HOUR} h)`);
  return {
    prices, placement, hosts, events, endS,
    fees: readFees(o.fees),
    sampleNs: number(o.sampleMs ?? 200, 'sampleMs', 1, 60_000) * 1e6,
    warmupNs: number(o.warmupMs ?? 100, 'warmupMs', 0, 60_000) * 1e6,
  };
}

function readFees(raw: unknown): TrafficFees {
  if (raw === undefined) return DEFAULT_FEES;
  const o = object(raw, 'fees');
  unknownKeys(o, ['interZonePerGb', 'interRegionPerGb'], 'fees');
  return {
    interZonePerGb: number(o.interZonePerGb ?? DEFAULT_FEES.interZonePerGb, 'fees.interZonePerGb', 0, 100),
    interRegionPerGb: number(o.interRegionPerGb ?? DEFAULT_FEES.interRegionPerGb, 'fees.interRegionPerGb', 0, 100),
  };
}

function readGenerations(raw: unknown): Generation[] {
  if (raw === undefined) return [...GENERATIONS];
  if (!Array.isArray(raw)) throw new ScenarioError('generations: must be an array of host generations');
  const own = raw.map((r, i): Generation => {
    const p = `generations[${i}]`, g = object(r, p);
    unknownKeys(g, ['name', 'about', 'clockGhz', 'cpi', 'tlb', 'walkCaches', 'strategy'], p);
    const tlb = /^(\d+)x(\d+)$/.exec(string(g.tlb ?? '64x4', `${p}.tlb`));
    if (!tlb) throw new ScenarioError(`${p}.tlb: "${g.tlb}" is not a geometry like 512x4`);
    const caches = string(g.walkCaches ?? 'none', `${p}.walkCaches`);
    const strategy = string(g.strategy ?? 'hw-nested', `${p}.strategy`);
    if (!['trap-emulate', 'hw-shadow', 'hw-nested'].includes(strategy)) throw new ScenarioError(`${p}.strategy: unknown strategy "${strategy}"`);
    return {
      name: string(g.name, `${p}.name`), about: typeof g.about === 'string' ? g.about : '',
      clockGhz: number(g.clockGhz, `${p}.clockGhz`, 0.3, 10), cpi: number(g.cpi ?? 1, `${p}.cpi`, 0.1, 10),
      tlb: { entries: Number(tlb[1]), ways: Number(tlb[2]) },
      walkCaches: { pwc: caches.includes('pwc'), ntlb: caches.includes('ntlb') },
      strategy: strategy as Generation['strategy'],
    };
  });
  return [...own, ...GENERATIONS.filter((g) => !own.some((x) => x.name === g.name))];
}

function readHosts(raw: unknown, generations: Generation[]): HostSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ScenarioError('hosts: must be a non-empty array of hosts');
  return raw.flatMap((r, i) => {
    const p = `hosts[${i}]`, h = object(r, p);
    unknownKeys(h, ['zone', 'generation', 'cores', 'memoryGb', 'count'], p);
    const g = generations.find((x) => x.name === string(h.generation, `${p}.generation`));
    if (!g) throw new ScenarioError(`${p}.generation: unknown generation "${h.generation}" (known: ${generations.map((x) => x.name).join(', ')})`);
    const spec = { zone: zoneOf(string(h.zone, `${p}.zone`), `${p}.zone`), generation: g, cores: int(h.cores ?? 4, `${p}.cores`, 1, 64), memoryGb: number(h.memoryGb ?? 16, `${p}.memoryGb`, 1, 4096) };
    return Array.from({ length: int(h.count ?? 1, `${p}.count`, 1, 1000) }, () => spec);
  });
}

function readEvents(raw: unknown, prices: PriceList, zones: Set<string>): TraceEvent[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ScenarioError('events: must be a non-empty array of launch, terminate and transfer requests');
  const launched = new Map<string, number>(), ended = new Set<string>();
  const events = raw.map((r, i): TraceEvent => {
    const p = `events[${i}]`, e = object(r, p);
    const atS = Math.round(number(e.atHours, `${p}.atHours`, 0, 1e6) * HOUR);
    if (e.launch !== undefined) return readLaunch(e, p, atS, prices, zones);
    if (e.terminate !== undefined) {
      unknownKeys(e, ['atHours', 'terminate'], p);
      return { atS, kind: 'terminate', name: string(e.terminate, `${p}.terminate`) };
    }
    if (e.transfer !== undefined) {
      unknownKeys(e, ['atHours', 'transfer'], p);
      const t = object(e.transfer, `${p}.transfer`);
      unknownKeys(t, ['from', 'to', 'gb'], `${p}.transfer`);
      return { atS, kind: 'transfer', from: string(t.from, `${p}.transfer.from`), to: string(t.to, `${p}.transfer.to`), gb: number(t.gb, `${p}.transfer.gb`, 0, 1e9) };
    }
    throw new ScenarioError(`${p}: must have one of launch, terminate, transfer`);
  });
  // In time order (stable), every name launched once before it is used.
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atS - b.e.atS || a.i - b.i);
  for (const { e, i } of ordered) {
    const p = `events[${i}]`;
    if (e.kind === 'launch') {
      if (launched.has(e.name)) throw new ScenarioError(`${p}.launch: "${e.name}" is launched twice`);
      launched.set(e.name, e.atS);
    } else {
      for (const [field, name] of e.kind === 'terminate' ? [['terminate', e.name]] : [['transfer.from', e.from], ['transfer.to', e.to]]) {
        if (!launched.has(name)) throw new ScenarioError(`${p}.${field}: "${name}" is not launched before this`);
        if (ended.has(name)) throw new ScenarioError(`${p}.${field}: "${name}" is terminated before this`);
      }
      if (e.kind === 'terminate') ended.add(e.name);
    }
  }
  return ordered.map((x) => x.e);
}

function readLaunch(e: Record<string, unknown>, p: string, atS: number, prices: PriceList, zones: Set<string>): TraceEvent {
  unknownKeys(e, ['atHours', 'launch', 'type', 'os', 'zone', 'workload'], p);
  const type = instanceType(string(e.type, `${p}.type`));
  if (!type) throw new ScenarioError(`${p}.type: unknown instance type "${e.type}" (known: ${INSTANCE_TYPES.map((t) => t.name).join(', ')})`);
  const os = string(e.os ?? 'linux', `${p}.os`) as Os;
  if (os !== 'linux' && os !== 'windows') throw new ScenarioError(`${p}.os: must be linux or windows, not "${os}"`);
  if (prices.prices[type.name]?.[os] === undefined) throw new ScenarioError(`${p}.os: the ${prices.name} price list has no ${os} price for ${type.name}`);
  const where = string(e.zone, `${p}.zone`);
  const isZone = ZONE.test(where);
  const known = isZone ? zones.has(where) : [...zones].some((z) => zoneOf(z, p).region === where);
  if (!known) throw new ScenarioError(`${p}.zone: no host is in ${isZone ? 'zone' : 'region'} "${where}"`);
  const workload = string(e.workload, `${p}.workload`);
  if (workload.length > 255) throw new ScenarioError(`${p}.workload: longer than minios's 255 bytes of boot arguments`);
  return { atS, kind: 'launch', name: string(e.launch, `${p}.launch`), type, os, ...(isZone ? { zone: where } : { region: where }), workload };
}
