// `vmlab cloud`: the README's example trace, every instance a real guest. Its bill is the sum by
// hand of every started hour at the seed's prices plus the traffic fees; the same instance type
// measures differently on different host generations.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const vmlab = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'vmlab.mjs'), 'cloud', ...args], { encoding: 'utf8', timeout: 300_000 });

describe('vmlab cloud', () => {
  it('bills the README example trace as the per-started-hour sum by hand', () => {
    const r = vmlab(join(ROOT, 'examples', 'cloud-trace.json'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // web1 0-4 h: 4 h; web2 0-1.25 h: 2 h; web3 0.5-2.2 h: 2 h (small, $0.06); db 0.5-3 h: 3 h (large, $0.24);
    // 20 GB from web2 (us-east-1b) to db (placed in us-east-1a): $0.01/GB out of one zone and into the other.
    const byHand = 4 * 0.06 + 2 * 0.06 + 2 * 0.06 + 3 * 0.24 + 20 * 0.01 + 20 * 0.01;
    expect(out.total).toBeCloseTo(byHand, 10);
    expect(out.total).toBe(1.6);
    expect(out.bill.map((l: { instance: string; hours: number }) => [l.instance, l.hours])).toEqual([['web1', 4], ['web2', 2], ['web3', 2], ['db', 3]]);
    expect(out.refused.map((x: { name: string }) => x.name)).toEqual(['batch']);
    const ecu = Object.fromEntries(out.instances.map((i: { name: string; measuredEcu: number }) => [i.name, i.measuredEcu]));
    // The fork loop on 1st-generation hosts (shadow paging) and on an EPT host: one type, two performances.
    expect(ecu.web3).toBeGreaterThan(5 * ecu.web1);
    expect(ecu.web3).toBeGreaterThan(5 * ecu.web2);
    // A large instance's compute units are its Credit cap: 2 ECU per core.
    expect(Math.abs(ecu.db / 2 - 1)).toBeLessThan(0.1);
  }, 300_000);

  it('refuses a bad trace, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-cloud-'));
    const f = join(dir, 't.json');
    writeFileSync(f, JSON.stringify({ hosts: [{ zone: 'us-east-1a', generation: 'xeon-e5430' }], events: [{ atHours: 0, launch: 'a', type: 'tiny', zone: 'us-east-1a', workload: 'compute=1' }] }));
    const r = vmlab(f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/t\.json: events\[0\]\.type: unknown instance type "tiny"/);
  });
});
