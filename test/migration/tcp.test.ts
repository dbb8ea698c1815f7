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

/** Starts `vmlab serve --listen 0 --once` (and its network with `net`); resolves with its ports and the promise of its end. */
function startServe(net = false): Promise<{ port: number; netPort: number; done: Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [VMLAB, 'serve', '--listen', '0', '--once', ...(net ? ['--net', '0'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => p.on('close', (code) => r({ code, stdout, stderr })));
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => {
      stderr += b;
      const m = /listening on [\d.]+:(\d+)/.exec(stderr), n = /network on [\d.]+:(\d+)/.exec(stderr);
      if (m && (n || !net)) resolve({ port: Number(m[1]), netPort: n ? Number(n[1]) : 0, done });
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

describe('vmlab serve --net and vmlab migrate --net', () => {
  it('a PV domain keeps its network across the two processes; its client\'s every request is answered, the checksum agrees', async () => {
    const serve = await startServe(true);
    const N = 500;
    const m = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const p = spawn(process.execPath, [VMLAB, 'migrate', join(ROOT, 'guests', 'build', 'minios-pv.elf'), '--to', `127.0.0.1:${serve.port}`, '--net', `127.0.0.1:${serve.netPort}`,
        '--vmm', 'pv', '--mem', '48M', '--bootargs', `netecho=${N} tick=100000`, '--after', '2M', '--report'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      p.stdout.on('data', (b) => { stdout += b; });
      p.stderr.on('data', (b) => { stderr += b; });
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(new RegExp(`client: ${N} answers, every one its request`));
    const dest = await serve.done;
    expect(dest.code, dest.stderr).toBe(0);
    // The client's payloads are bytes (k + i) & 0xff of 1 KiB; netecho hashes what it echoed.
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < N; i++) for (let k = 0; k < 1024; k++) h = BigInt.asUintN(64, (h ^ BigInt((k + i) & 0xff)) * 0x100000001b3n);
    expect(m.stdout + dest.stdout).toContain(`netecho n=${N} checksum=${h}\n`);
  }, 60_000);
});
