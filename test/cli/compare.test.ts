// `vmlab compare`: JSON results that agree with the native run, the table, and clear errors.
import { describe, it, expect } from 'vitest';
import { runVmlab } from '../helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const vmlab = (...args: string[]) => runVmlab([...args], { timeout: 120_000 });

describe('vmlab compare', () => {
  it('--json: one row per strategy (native added), outputs matching native, native at 100%', async () => {
    const r = await vmlab('compare', '--workloads', 'getppid', '--strategies', 'hw-nested,trap-emulate', '--count', 'getppid=300', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar with --json
    const { cost, runs } = JSON.parse(r.stdout);
    expect(cost.exit.default).toBe(2030);
    expect(runs.map((x: { strategy: string }) => x.strategy)).toEqual(['native', 'hw-nested', 'trap-emulate']);
    for (const run of runs) {
      expect(run.matchesNative).toBe(true);
      expect(run.result).toBe('getppid n=300 checksum=300');
    }
    expect(runs[0].relativeToNative).toBe(1);
    expect(runs[2].exits.syscall).toBe(300);
    expect(runs[2].relativeToNative).toBeLessThan(runs[1].relativeToNative);
  });
  it('prints the table, and a cost override changes the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-cost-'));
    const file = join(dir, 'cost.json');
    writeFileSync(file, JSON.stringify({ exit: { default: 0 }, emulate: 0, reflect: 0 }));
    const r = await vmlab('compare', '--workloads', 'getppid', '--strategies', 'trap-emulate', '--count', 'getppid=200', '--cost', file, '--json');
    const te = JSON.parse(r.stdout).runs[1];
    expect(te.cycles.exits).toBe(0);
    const t = await vmlab('compare', '--workloads', 'compute', '--strategies', 'hw-nested', '--count', 'compute=1000');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/compute.*native.*100%/);
    expect(t.stdout).toMatch(/compute.*hw-nested/);
  });
  it('bad options exit 2 with a message', async () => {
    for (const [args, msg] of [
      [['--workloads', 'nope'], /unknown workload "nope"/],
      [['--strategies', 'vmware'], /unknown strategy "vmware"/],
      [['--set', 'memRef=-3'], /non-negative/],
      [['--count', 'tlb=x'], /--count tlb=x/],
      [['--cost', '/no/such/file.json'], /no such file/i],
      [['--image', '/no/such/image.elf'], /no such file/i],
    ] as [string[], RegExp][]) {
      const r = await vmlab('compare', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
  });
});

describe('vmlab run --vmm', () => {
  it('boots minios under a strategy with boot arguments; --stats counts the exits', async () => {
    const r = await vmlab('run', join(ROOT, 'guests', 'build', 'minios.elf'), '--vmm', 'trap-emulate', '--bootargs', 'getppid=50', '--stats');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('getppid n=50 checksum=50\n');
    expect(r.stderr).toMatch(/syscall\s*│\s*5\d/); // the 50 calls, plus init's own
  });
  it('refuses what it cannot do, with a message and status 2', async () => {
    for (const [args, msg] of [
      [['--vmm', 'kvm'], /unknown strategy "kvm"/],
      [['--bootargs', 'x'], /--bootargs needs --vmm/],
    ] as [string[], RegExp][]) {
      const r = await vmlab('run', join(ROOT, 'guests', 'build', 'minios.elf'), ...args);
      expect([r.status, msg.test(r.stderr)], args.join(' ')).toEqual([2, true]);
    }
    const noKernel = await vmlab('run', join(ROOT, 'guests', 'build', 'isa-alu.elf'), '--vmm', 'hw-nested');
    expect(noKernel.status).toBe(2);
    expect(noKernel.stderr).toMatch(/no kernel_entry symbol/);
  });
});
