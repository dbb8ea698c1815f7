// The package as a user gets it: `npm pack`, installed from the tarball into an empty project,
// imported by name (with types), and its CLI run from that install.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const SUBPATHS = ['vmlab', 'vmlab/vmm', 'vmlab/compare', 'vmlab/cost', 'vmlab/sweep', 'vmlab/bt', 'vmlab/pv', 'vmlab/sched', 'vmlab/cloud', 'vmlab/net', 'vmlab/migration', 'vmlab/cli'];

describe('the package from a tarball', { timeout: 300_000 }, () => {
  let files: string[];
  let project: string;

  beforeAll(async () => {
    const dest = mkdtempSync(join(tmpdir(), 'vmlab-pack-'));
    // dist/ is fresh (test/setup built it); the scripts would rebuild the Wasm core too.
    const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: ROOT });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = info.files.map((f) => f.path).sort();
    project = mkdtempSync(join(tmpdir(), 'vmlab-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
    await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dest, info.filename)], { cwd: project });
  }, 300_000);

  it('ships the compiled code, its declarations, the Wasm core and the guest images, and no sources', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/vmlab.mjs', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/vmm/index.d.ts',
      'dist/src/sweep/worker.js', 'dist/build/core.release.js', 'dist/build/core.debug.js', 'guests/build/minios.elf', 'guests/build/isa-alu.elf']) {
      expect(files).toContain(f);
    }
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/vmlab\.mjs|dist\/(src|bindings)\/.+\.(js|d\.ts)|dist\/build\/core\.(release|debug)\.(js|d\.ts)|guests\/build\/[\w-]+\.elf|guests\/(minios\/)?README\.md|docs\/[\w-]+\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('imports by name in Node and boots a guest from the package', async () => {
    const script = `
      import { Machine, boot, runSession } from 'vmlab';
      import { readFile } from 'node:fs/promises';
      for (const p of ${JSON.stringify(SUBPATHS)}) await import(p);
      const { machine } = await boot(await readFile(new URL(import.meta.resolve('vmlab/guests/isa-alu.elf'))));
      let out = '';
      const r = await runSession(machine, { onOutput: (b) => { out += new TextDecoder().decode(b); } });
      console.log(machine instanceof Machine, r.outcome.kind, out.trim());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    expect(stdout.trim()).toBe('true halt isa-alu: ok');
  });

  it('has types a TypeScript user resolves by package name', async () => {
    writeFileSync(join(project, 'use.ts'), `
      import { Machine, type ExitRecord } from 'vmlab';
      import { runVm, type Strategy } from 'vmlab/vmm';
      import { chartSpec, type CompareCell } from 'vmlab/compare';
      import { DEFAULT_COST } from 'vmlab/cost';
      import { BinaryTranslation } from 'vmlab/bt';
      import { PvStrategy, HYPERCALL } from 'vmlab/pv';
      import { SCHEDULERS, type Scenario } from 'vmlab/sched';
      import { INSTANCE_TYPES, type Trace } from 'vmlab/cloud';
      import { VirtualSwitch } from 'vmlab/net';
      export const extras: [number, number, number] = [HYPERCALL.multicall, SCHEDULERS.length, INSTANCE_TYPES.length];
      export type U = [BinaryTranslation, PvStrategy, Scenario, Trace, VirtualSwitch];
      // (vmlab/migration's types name Node's own, a net.Server: its users have @types/node; this project has no types at all.)
      export const make: Promise<Machine> = Machine.create({ ramBytes: 1 << 20 });
      export const cost: number = DEFAULT_COST.memRef;
      export type T = [ExitRecord, Strategy, CompareCell, typeof runVm, typeof chartSpec];
      // @ts-expect-error: a misspelt export is an error, so the types are really there
      import { Machin } from 'vmlab';`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
      module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] }, files: ['use.ts'] }));
    await expect(run(process.execPath, [TSC, '-p', project], { cwd: project })).resolves.toBeTruthy();
  });

  it('runs its CLI from the install: a guest, and a compare on the worker pool', async () => {
    const bin = join(project, 'node_modules', '.bin', 'vmlab');
    const guest = await run(bin, ['run', join(project, 'node_modules', 'vmlab', 'guests', 'build', 'isa-alu.elf')], { cwd: project });
    expect(guest.stdout).toBe('isa-alu: ok\n');
    const cmp = await run(bin, ['compare', '--workloads', 'getppid', '--count', 'getppid=100', '--strategies', 'hw-nested', '--jobs', '2', '--format', 'csv'], { cwd: project });
    expect(cmp.stdout.split('\n').slice(1, 3).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual(['getppid native', 'getppid hw-nested']);
  });
});
