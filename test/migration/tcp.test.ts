// Two Node processes joined by a real TCP socket on loopback: `vmlab serve --listen 0 --once` and
// `vmlab migrate`. The guest's output, split between the two, is what one unmigrated run prints,
// and the destination exits with the guest's status.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bareDirty, runToEnd } from '../helpers/migration.js';

const ROOT = join(import.meta.dirname, '..', '..');
const VMLAB = join(ROOT, 'bin', 'vmlab.mjs');
const DIRTY = join(ROOT, 'guests', 'build', 'dirty.elf');

/** Starts `vmlab serve --listen 0 --once`; resolves with its port and the promise of its end. */
function startServe(): Promise<{ port: number; done: Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [VMLAB, 'serve', '--listen', '0', '--once'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => p.on('close', (code) => r({ code, stdout, stderr })));
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => {
      stderr += b;
      const m = /listening on [\d.]+:(\d+)/.exec(stderr);
      if (m) resolve({ port: Number(m[1]), done });
    });
    p.on('error', reject);
    setTimeout(() => reject(new Error(`vmlab serve did not start: ${stderr}`)), 30_000).unref();
  });
}

describe('vmlab serve and vmlab migrate over TCP', () => {
  for (const policy of ['precopy', 'postcopy'] as const) {
    it(`${policy}: the output is split between the two processes and equals an unmigrated run`, async () => {
      const ref = runToEnd((await bareDirty(64, 4000, 1 << 20)).vm).output;
      const serve = await startServe();
      const m = spawnSync(process.execPath, [VMLAB, 'migrate', DIRTY, '--to', `127.0.0.1:${serve.port}`, '--mem', '1M',
        '--poke', 'dirty_pages=64', '--poke', 'dirty_passes=4000', '--after', '300k', '--policy', policy, '--json'], { encoding: 'utf8', timeout: 60_000 });
      expect(m.status, m.stderr).toBe(0);
      const dest = await serve.done;
      expect(dest.code, dest.stderr).toBe(0);
      const jsonAt = m.stdout.indexOf('{');
      const report = JSON.parse(m.stdout.slice(jsonAt));
      expect(report.policy).toBe(policy);
      expect(report.downtimeMs).toBeGreaterThan(0);
      expect(m.stdout.slice(0, jsonAt) + dest.stdout).toBe(ref);
      expect(dest.stdout).toMatch(/dirty: ok\n$/);
    }, 90_000);
  }

  it('refuses a VM this host does not take, and the source finishes the guest itself (exit 3)', async () => {
    const p = spawn(process.execPath, [VMLAB, 'serve', '--listen', '0', '--once', '--vmm', 'hw-nested'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const port = await new Promise<number>((resolve) => p.stderr.on('data', (b) => { stderr += b; const x = /:(\d+)\n/.exec(stderr); if (x) resolve(Number(x[1])); }));
    const m = spawnSync(process.execPath, [VMLAB, 'migrate', DIRTY, '--to', `127.0.0.1:${port}`, '--mem', '2M', '--after', '100k'], { encoding: 'utf8', timeout: 60_000 });
    expect(m.status).toBe(3);
    expect(m.stderr).toMatch(/the destination refused the stream: INIT: the VM runs under native, which this host does not run \(it runs hw-nested\); the VM goes on here/);
    expect(m.stdout).toMatch(/dirty: ok\n$/);
    await new Promise((r) => p.on('close', r));
  }, 60_000);
});

describe('vmlab migrate refuses bad arguments with a message', () => {
  it('a destination that is not host:port, an unknown policy, a poke that is not symbol=value', () => {
    const run = (...a: string[]) => spawnSync(process.execPath, [VMLAB, 'migrate', DIRTY, ...a], { encoding: 'utf8', timeout: 60_000 });
    const bad = run('--to', 'nowhere');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"nowhere" is not host:port/);
    expect(run('--to', ':7000', '--policy', 'teleport').stderr).toMatch(/teleport.*(precopy|choices)/s);
    expect(run('--to', ':7000', '--poke', 'dirty_pages').stderr).toMatch(/"dirty_pages" is not symbol=value/);
  }, 60_000);
});
