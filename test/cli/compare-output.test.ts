// `vmlab compare`'s output: 120 columns by default, every format, colour and progress bars only
// on a terminal (NO_COLOR honoured), the SVG plot, and the worker pool giving the serial results.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRATEGIES } from '../../src/vmm/strategy.js';
import { WORKLOADS } from '../../src/compare/workloads.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'vmlab.mjs');
/** Every workload, a few iterations each: the table's shape, not its figures. */
const tiny = (workloads = WORKLOADS.map((w) => w.name)) =>
  ['--workloads', workloads.join(','), ...workloads.flatMap((w) => ['--count', `${w}=${w === 'fork' ? 5 : 200}`])];
const TINY = tiny();
const ENV: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
delete ENV.NO_COLOR; // spawn would pass an undefined value as the string "undefined"
delete ENV.FORCE_COLOR;

interface Ran { status: number | null; stdout: string; stderr: string }
/** Runs a command without blocking the test worker (vitest's own messages keep flowing). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, timeout: 180_000 });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}
const vmlab = (args: string[], env: NodeJS.ProcessEnv = ENV) => run(process.execPath, [BIN, 'compare', ...args], env);
const ESC = '\x1b[';
/** The fields of one CSV line (quoted fields may hold commas). */
const fields = (line: string) => [...line.matchAll(/(?:"((?:[^"]|"")*)"|([^,]*))(?:,|$)/g)].slice(0, -1).map((m) => m[1]?.replace(/""/g, '"') ?? m[2]);
const width = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('vmlab compare output', { timeout: 240_000 }, () => {
  it('fits 120 columns with every strategy and workload; --wide adds the explanation columns; --plot an SVG bar per cell', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vmlab-plot-')), 'compare.svg');
    const r = await vmlab([...TINY, '--plot', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(width(r.stdout)).toBeLessThanOrEqual(120);
    for (const s of STRATEGIES) for (const w of WORKLOADS) expect(r.stdout).toMatch(new RegExp(`│ ${w.name} +│ ${s} +│`));
    expect(r.stdout).not.toContain('largest exit kinds');
    expect(r.stdout).not.toContain(ESC); // a pipe: no colour
    expect(r.stderr).toBe(''); // a pipe: no progress bar
    const wide = await vmlab([...tiny(['getppid']), '--wide']);
    expect(wide.stdout).toContain('largest exit kinds');
    expect(wide.stdout).toMatch(/getppid +│ trap-emulate .*│ csr \d+, (sret|syscall) \d+/);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const bars = [...svg.matchAll(/aria-label="(\w+) under ([\w-]+): ([\d.]+%)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(bars).toEqual(WORKLOADS.flatMap((w) => STRATEGIES.map((s) => `${w.name} ${s}`)));
    expect(svg).toContain('aria-label="getppid under native: 100%"');
  });

  it('--format markdown, csv and json (and --json as its alias) carry the same rows', async () => {
    const args = [...tiny(['getppid']), '--strategies', 'trap-emulate', '--jobs', '1'];
    const md = (await vmlab([...args, '--format', 'markdown'])).stdout.trim().split('\n');
    expect(md[0]).toBe('| workload | strategy     | vs native | wall × | instructions | exits | PT writes | TLB miss | refs/miss |');
    expect(md[1]).toMatch(/^\| :-+ \| :-+ \| -+: \|/);
    expect(md.slice(2).map((l) => l.split('|')[2].trim())).toEqual(['native', 'trap-emulate']);
    const csv = (await vmlab([...args, '--format', 'csv'])).stdout.trim().split('\n');
    const header = fields(csv[0]);
    expect(header.slice(0, 4)).toEqual(['workload', 'strategy', 'relativeToNative', 'wallRatio']);
    expect(header).toContain('cycles.exits');
    const te = Object.fromEntries(fields(csv[2]).map((v, i) => [header[i], v]));
    expect([te.workload, te.strategy, te.totalExits, te.outcome, te.matchesNative, te.result]).toEqual(
      ['getppid', 'trap-emulate', te.totalExits, 'halt 0', 'true', 'getppid n=200 checksum=200']);
    const json = JSON.parse((await vmlab([...args, '--format', 'json'])).stdout);
    expect(JSON.parse((await vmlab([...args, '--json'])).stdout).runs.map((x: { instructions: number }) => x.instructions))
      .toEqual(json.runs.map((x: { instructions: number }) => x.instructions));
    expect(Number(te.totalExits)).toBe(json.runs[1].totalExits);
    expect(te.topExits).toMatch(/^csr \d+, /);
    expect(Number(te['cycles.exits'])).toBe(json.runs[1].cycles.exits);
    const bad = await vmlab(['--format', 'html']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/html.*(table, markdown, csv, json)/s)]);
    const both = await vmlab(['--json', '--format', 'csv']);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/--json.*cannot be used with.*--format/)]);
  });

  it('--plot names what it cannot write', async () => {
    const nowhere = await vmlab([...tiny(['compute']), '--jobs', '1', '--plot', '/no/such/dir/x.svg']);
    expect([nowhere.status, nowhere.stderr]).toEqual([2, expect.stringMatching(/cannot write the plot \/no\/such\/dir\/x\.svg/)]);
  });

  it('the worker pool gives exactly the serial results (all but wall time)', async () => {
    const args = [...tiny(['getppid', 'fork']), '--json'];
    const strip = (out: string) => JSON.parse(out).runs.map(({ wallMs: _w, wallRatio: _r, ...rest }: Record<string, unknown>) => rest);
    const serial = await vmlab([...args, '--jobs', '1']);
    const pooled = await vmlab([...args, '--jobs', '3']);
    expect(serial.status, serial.stderr).toBe(0);
    expect(pooled.status, pooled.stderr).toBe(0);
    expect(strip(pooled.stdout)).toEqual(strip(serial.stdout));
    expect(strip(serial.stdout)).toHaveLength(2 * STRATEGIES.length);
  });

  it('--plan, vmlab cell and --from: the sweep in three steps gives the figures of one compare', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-cells-'));
    const args = [...tiny(['getppid']), '--strategies', 'trap-emulate,hw-nested'];
    const plan = await vmlab([...args, '--plan']);
    const cells = plan.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(cells.map((c) => `${c.workload} ${c.count} ${c.strategy}`)).toEqual(['getppid 200 native', 'getppid 200 trap-emulate', 'getppid 200 hw-nested']);
    expect(cells[0].image.sha256).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'cells.jsonl'), plan.stdout);
    const ran = await run(process.execPath, [BIN, 'cell', join(dir, 'cells.jsonl'), '--jobs', '2'], ENV);
    expect(ran.status, ran.stderr).toBe(0);
    writeFileSync(join(dir, 'results.jsonl'), ran.stdout);
    const strip = (out: string) => JSON.parse(out).runs.map(({ wallMs: _w, wallRatio: _r, ...rest }: Record<string, unknown>) => rest);
    const reduced = await vmlab(['--from', join(dir, 'results.jsonl'), '--json']);
    expect(reduced.status, reduced.stderr).toBe(0);
    expect(strip(reduced.stdout)).toEqual(strip((await vmlab([...args, '--json', '--jobs', '1'])).stdout));
    // Hostile or stale input is refused, naming what is wrong.
    const tampered = { ...cells[1], image: { ...cells[1].image, sha256: '0'.repeat(64) } };
    for (const [cell, msg] of [
      [tampered, /SHA-256 [0-9a-f]{64}, the cell expects 0{64}: it changed since the sweep was planned/],
      [{ ...cells[1], strategy: 'vmware' }, /unknown strategy "vmware"/],
      [{ ...cells[1], count: -1 }, /cell 1: not a compare cell: "count"/],
      [{ ...cells[1], cost: { memRef: 'fast' } }, /"cost": cost "memRef" must be a non-negative number/],
    ] as [unknown, RegExp][]) {
      writeFileSync(join(dir, 'bad.jsonl'), JSON.stringify(cell) + '\n');
      const bad = await run(process.execPath, [BIN, 'cell', join(dir, 'bad.jsonl'), '--jobs', '1'], ENV);
      expect([bad.status === 0, bad.stderr], JSON.stringify(cell)).toEqual([false, expect.stringMatching(msg)]);
    }
    writeFileSync(join(dir, 'junk.jsonl'), '{"workload": 1}\n');
    expect((await vmlab(['--from', join(dir, 'junk.jsonl')])).stderr).toMatch(/junk\.jsonl:1: not a cell result/);
  });

  // `script` runs the command on a pseudo-terminal, as a user's shell would; a user's terminal, so
  // none of the variables a CI runner sets that make Node report no colours (CI, FORCE_COLOR, NO_COLOR).
  const { CI: _ci, FORCE_COLOR: _fc, NO_COLOR: _nc, NODE_DISABLE_COLORS: _nd, ...USER_ENV } = ENV;
  const onTerminal = (env: NodeJS.ProcessEnv) => run('script', ['-qec', `"${process.execPath}" "${BIN}" compare --workloads getppid --count getppid=100 --strategies hw-nested --jobs 1`, '/dev/null'], env);
  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal: a coloured header and a progress bar; NO_COLOR and TERM=dumb take the colour away', async () => {
    const tty = await onTerminal(USER_ENV);
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout).toContain(`${ESC}36m`); // cyan header
    expect(tty.stdout).toMatch(/compare \[[^\]]*\] \d+\/\d+/); // the progress bar (stderr shares the terminal)
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const plain = await onTerminal({ ...USER_ENV, ...env });
      expect(plain.status, plain.stdout + plain.stderr).toBe(0);
      expect(plain.stdout.replace(/\x1b\[\?25[lh]|\x1b\[[0-9]*[GKJ]/g, '')).not.toMatch(/\x1b\[[0-9;]*m/); // cursor moves of the bar aside, no SGR colour
      expect(plain.stdout).toContain('│ getppid  │ native');
    }
  });
});
