// The EC2 layer: billing rounds every started hour up, traffic fees by zone and region, placement
// never overcommits a host (with both policies, on random traces), traces refused naming the field.
import { describe, it, expect } from 'vitest';
import { billedHours, billLine, micro } from '../../src/cloud/billing.js';
import { trafficCost, DEFAULT_FEES } from '../../src/cloud/zones.js';
import { readTrace } from '../../src/cloud/trace.js';
import { Fleet } from '../../src/cloud/fleet.js';
import { creditShares } from '../../src/cloud/measure.js';
import { CloudHost } from '../../src/cloud/hosts.js';
import { generation, ecuPerCore } from '../../src/cloud/generations.js';
import { instanceType, INSTANCE_TYPES } from '../../src/cloud/instance-types.js';
import { Rng } from '../helpers/rng.js';

const H = 3600;

describe('billing', () => {
  it('charges every started hour, at least one', () => {
    expect([0, 1, H - 1, H, H + 1, 1.25 * H, 2 * H, 2 * H + 1].map((s) => billedHours(0, s))).toEqual([1, 1, 1, 1, 2, 2, 2, 3]);
    expect(billedHours(0.5 * H, 3 * H)).toBe(3);
  });
  it('sums prices exactly, in millionths of a dollar', () => {
    const l = billLine({ instance: 'a', type: 'small', os: 'windows', zone: 'us-east-1a', startS: 0, endS: 2.5 * H, rate: micro(0.115), traffic: micro(0.2) });
    expect(l).toMatchObject({ hours: 3, compute: 345_000, total: 545_000 });
  });
});

describe('traffic fees', () => {
  const z = (name: string) => ({ name, region: name.slice(0, -1) });
  it('is free within a zone, paid at both ends between zones, by the sender between regions', () => {
    expect(trafficCost(z('us-east-1a'), z('us-east-1a'), 100, DEFAULT_FEES)).toEqual({ sender: 0, receiver: 0 });
    expect(trafficCost(z('us-east-1a'), z('us-east-1b'), 100, DEFAULT_FEES)).toEqual({ sender: 1, receiver: 1 });
    expect(trafficCost(z('us-east-1a'), z('eu-west-1a'), 100, DEFAULT_FEES)).toEqual({ sender: 2, receiver: 0 });
  });
});

describe('compute units through Credit', () => {
  it('sets weight by compute units per core and caps at that share of the host\'s core', () => {
    const e5430 = new CloudHost('h', { name: 'us-east-1a', region: 'us-east-1' }, generation('xeon-e5430')!, 4, 16);
    expect(ecuPerCore(e5430.generation)).toBeCloseTo(2.418, 3);
    expect(creditShares(instanceType('small')!, e5430)).toEqual({ weight: 256, cap: 41 });
    expect(creditShares(instanceType('medium')!, e5430)).toEqual({ weight: 512, cap: 83 });
    expect(creditShares(instanceType('xlarge')!, e5430)).toEqual({ weight: 512, cap: 83 });
    const k8 = new CloudHost('h', { name: 'us-east-1a', region: 'us-east-1' }, generation('opteron-2218he')!, 4, 16);
    expect(creditShares(instanceType('large')!, k8)).toEqual({ weight: 512, cap: 100 }); // a core of it is less than 2 ECU
  });
});

describe('placement', () => {
  const hosts = [
    { zone: 'us-east-1a', generation: 'xeon-e5430', cores: 4, memoryGb: 16 },
    { zone: 'us-east-1a', generation: 'xeon-e5645', cores: 4, memoryGb: 24 },
    { zone: 'us-east-1b', generation: 'opteron-2218he', cores: 2, memoryGb: 8 },
  ];

  for (const placement of ['first-fit', 'best-fit']) {
    it(`${placement} never overcommits memory, compute units or cores, and refuses only what fits nowhere`, () => {
      const r = new Rng(placement.length), next = () => r.int(1_000_000) / 1_000_000;
      let refused = 0, placed = 0;
      for (let trial = 0; trial < 20; trial++) {
        const events: unknown[] = [];
        const live: string[] = [];
        for (let k = 0; k < 60; k++) {
          if (live.length && next() < 0.35) {
            events.push({ atHours: k, terminate: live.splice(Math.floor(next() * live.length), 1)[0] });
          } else {
            const name = `i${trial}-${k}`;
            live.push(name);
            events.push({ atHours: k, launch: name, type: INSTANCE_TYPES[Math.floor(next() * 4)].name, zone: next() < 0.5 ? 'us-east-1' : 'us-east-1a', workload: 'compute=1' });
          }
        }
        const t = readTrace({ placement, hosts, events });
        const fleet = new Fleet(t.hosts, t.placement, t.fees);
        for (const e of t.events) {
          const refusedBefore = fleet.refused.length;
          const roomy = e.kind === 'launch' ? fleet.hosts.filter((h) => (e.zone ? h.zone.name === e.zone : h.zone.region === e.region) && h.fits(e.type)) : [];
          fleet.apply(e);
          if (fleet.refused.length > refusedBefore) expect(roomy).toEqual([]);
          for (const h of fleet.hosts) {
            const placed = [...h.instances.values()];
            expect(placed.reduce((a, x) => a + x.memoryGb, 0)).toBeLessThanOrEqual(h.memoryGb + 1e-9);
            expect(placed.reduce((a, x) => a + x.ecu, 0)).toBeLessThanOrEqual(h.ecu + 1e-9);
            for (const x of placed) expect(x.cores).toBeLessThanOrEqual(h.cores);
          }
        }
        refused += fleet.refused.length;
        placed += fleet.instances.size;
      }
      expect(refused).toBeGreaterThan(50); // the hosts fill up: refusals are exercised
      expect(placed).toBeGreaterThan(200);
    });
  }

  it('best fit keeps a large host whole where first fit fills it with a small instance', () => {
    const events = [
      { atHours: 0, launch: 'web', type: 'small', zone: 'us-east-1a', workload: 'compute=1' },
      { atHours: 1, launch: 'batch', type: 'xlarge', zone: 'us-east-1a', workload: 'compute=1' },
    ];
    const two = [{ zone: 'us-east-1a', generation: 'xeon-e5645', cores: 4, memoryGb: 16 }, { zone: 'us-east-1a', generation: 'xeon-e5645', cores: 2, memoryGb: 4 }];
    const place = (placement: string) => {
      const t = readTrace({ placement, hosts: two, events });
      const f = new Fleet(t.hosts, t.placement, t.fees);
      for (const e of t.events) f.apply(e);
      return { where: Object.fromEntries([...f.instances.values()].map((i) => [i.name, i.host.id])), refused: f.refused.map((r) => r.name) };
    };
    expect(place('first-fit')).toEqual({ where: { web: 'us-east-1a/0' }, refused: ['batch'] });
    expect(place('best-fit')).toEqual({ where: { web: 'us-east-1a/1', batch: 'us-east-1a/0' }, refused: [] });
  });
});

describe('trace files', () => {
  const host = { zone: 'us-east-1a', generation: 'xeon-e5430' };
  const launch = { atHours: 0, launch: 'a', type: 'small', zone: 'us-east-1a', workload: 'compute=1' };
  const bad: [string, unknown, RegExp][] = [
    ['an unknown instance type', { hosts: [host], events: [{ ...launch, type: 'huge' }] }, /^events\[0\]\.type: unknown instance type "huge" \(known: small, medium, large, xlarge\)/],
    ['a Windows price the list lacks', { hosts: [host], events: [{ ...launch, os: 'windows' }] }, /^events\[0\]\.os: the seed price list has no windows price for small/],
    ['a zone without hosts', { hosts: [host], events: [{ ...launch, zone: 'eu-west-1a' }] }, /^events\[0\]\.zone: no host is in zone "eu-west-1a"/],
    ['a terminate before the launch', { hosts: [host], events: [{ atHours: 0, terminate: 'a' }, { ...launch, atHours: 1 }] }, /^events\[0\]\.terminate: "a" is not launched before this/],
    ['a name launched twice', { hosts: [host], events: [launch, { ...launch, atHours: 1 }] }, /^events\[1\]\.launch: "a" is launched twice/],
    ['a transfer after a terminate', { hosts: [host], events: [launch, { atHours: 1, terminate: 'a' }, { atHours: 2, transfer: { from: 'a', to: 'a', gb: 1 } }] }, /^events\[2\]\.transfer\.from: "a" is terminated before this/],
    ['an unknown generation', { hosts: [{ ...host, generation: 'm1' }], events: [launch] }, /^hosts\[0\]\.generation: unknown generation "m1"/],
    ['a bad zone name', { hosts: [{ ...host, zone: 'virginia' }], events: [launch] }, /^hosts\[0\]\.zone: "virginia" is not a zone name/],
    ['an unknown placement', { placement: 'random', hosts: [host], events: [launch] }, /^placement: unknown policy "random" \(known: first-fit, best-fit\)/],
    ['an end before the last event', { hosts: [host], events: [launch, { atHours: 3, terminate: 'a' }], endHours: 2 }, /^endHours: 2 is before the last event/],
    ['negative hours', { hosts: [host], events: [{ ...launch, atHours: -1 }] }, /^events\[0\]\.atHours: must be a number in 0\.\.1000000, not -1/],
  ];
  for (const [what, raw, message] of bad) it(`refuses ${what}, naming the field`, () => { expect(() => readTrace(raw)).toThrow(message); });
});
