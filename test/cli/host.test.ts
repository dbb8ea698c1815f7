// `vmlab host`: a scenario file or options, the table, --json, --plot, --solo, and bad scenario
// files refused with exit status 2 and the field named.
import { describe, it, expect } from 'vitest';
import { runVmlab } from '../helpers/cli.js';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'vmlab-host-'));
const vmlab = (...args: string[]) => runVmlab(['host', ...args], { timeout: 120_000 });
const file = (name: string, content: unknown) => { const f = join(dir, name); writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content)); return f; };

describe('vmlab host', () => {
  it('runs a scenario file: JSON with every VM measured, its output, and a plot', async () => {
    const scenario = file('two.json', { scheduler: 'credit', vms: [{ name: 'big', bootargs: 'compute=300000', sched: { weight: 512 } }, { name: 'small', bootargs: 'getppid=300' }] });
    const svg = join(dir, 'share.svg');
    const r = await vmlab(scenario, '--json', '--plot', svg, '--solo');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.scheduler).toBe('credit');
    expect(out.metrics.vms.map((v: { name: string; outcome: string }) => [v.name, v.outcome])).toEqual([['big', 'halt 0'], ['small', 'halt 0']]);
    expect(out.outputs[0]).toMatch(/compute n=300000 checksum=44999850000\n/);
    expect(out.soloMismatches).toEqual([]);
    const plot = readFileSync(svg, 'utf8');
    expect(plot).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>$/);
    expect(plot).toContain('aria-roledescription="line mark"'); // a line per VM
    expect(plot).toMatch(/>big<[\s\S]*>small</); // the legend names them
  });

  it('takes the VMs and parameters from options and prints the table', async () => {
    const r = await vmlab('--scheduler', 'rr', '--param', 'sliceMs=5', '--duration', '50', '--vm', 'a:compute=100000000', '--vm', 'b:compute=100000000:strategy=hw-shadow');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/│ a +│ hw-nested +│ running/);
    expect(r.stdout).toMatch(/│ b +│ hw-shadow +│ running/);
    expect(r.stdout).toMatch(/Jain's index of normalized shares/);
  });

  it('refuses a bad scenario file, naming the field', async () => {
    let r = await vmlab(file('bad.json', { vms: [{ name: 'a', bootargs: 'compute=1', sched: { weight: -3 } }] }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: vms\[0\]\.sched\.weight: must be an integer in 1\.\.65535, not -3/);
    r = await vmlab(file('broken.json', '{"vms": ['));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not valid JSON/);
    r = await vmlab(join(dir, 'missing.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: cannot read it/);
    r = await vmlab('--vm', 'nonsense');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--vm nonsense: expected NAME:BOOTARGS/);
  });

  it('lists the schedulers with their parameters and Xen\'s defaults', async () => {
    const r = await vmlab('--list-schedulers');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/credit: .*\n(.*\n)*  per VM weight = 256 .*CSCHED_DEFAULT_WEIGHT/);
    expect(r.stdout).toMatch(/bvt: [\s\S]*ctxAllowMs = 5/);
  });
});
