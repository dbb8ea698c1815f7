/**
 * `npm run bench:migration [-- --ram 128 --wss 256 --strategy hw-nested --svg docs/figures]`:
 * live migration between two Node processes over loopback TCP (`vmlab serve` in a child process,
 * the source here), each policy on an idle guest (minios's compute loop: registers only) and on a
 * guest that keeps dirtying a writable working set (minios's `dirty WSS,PASSES`), plus the guest's
 * own view of the downtime (the bare `dirty` guest with the host clock as timebase, which prints
 * the largest gap it saw between two reads of mtime). Prints total time, downtime (wall and guest
 * clock), bytes and pages per round, the dirty rate and the writable working set; checks every
 * migrated run's output against an unmigrated run; writes an SVG per run. Figures are wall time
 * on this host in this run: they move with its load.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { bootVm, migrateTo, type MigrationReport, type PolicyName } from '../src/migration/index.js';
import type { HostedVm } from '../src/migration/vm/hosted.js';
import { plotMigration } from '../src/migration/plot.js';
import type { StrategyName } from '../src/vmm/strategy.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const ROOT = resolve(import.meta.dirname, '..');
const RAM = Number(arg('ram', '128')) << 20;
const WSS = Number(arg('wss', '256'));
const STRATEGY = arg('strategy', 'hw-nested') as StrategyName;
const SVG_DIR = arg('svg', '');
const POLICIES = arg('policies', 'precopy,stop-and-copy,postcopy,hybrid,xen').split(',') as PolicyName[];
const MINIOS = readFileSync(join(ROOT, 'guests', 'build', 'minios.elf'));
const DIRTY = readFileSync(join(ROOT, 'guests', 'build', 'dirty.elf'));

interface Workload { name: string; image: Uint8Array; strategy: StrategyName; bootargs?: string; symbols?: Record<string, bigint>; wallClock?: boolean; after: number }
const WORKLOADS: Workload[] = [
  { name: 'idle', image: MINIOS, strategy: STRATEGY, bootargs: 'compute=300000000 tick=100000', after: 5e6 },
  { name: `dirty ${WSS} pages`, image: MINIOS, strategy: STRATEGY, bootargs: `dirty=${WSS},${Math.round(1.5e8 / WSS)} tick=100000`, after: 5e6 },
];

/** Starts `vmlab serve --listen 0 --once` and resolves with its port and the promise of its output. */
function serveProcess(): Promise<{ port: number; done: Promise<string> }> {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'vmlab.mjs'), 'serve', '--listen', '0', '--once'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const done = new Promise<string>((r) => p.on('close', () => r(out)));
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { err += b; const m = /listening on [\d.]+:(\d+)/.exec(err); if (m) ok({ port: Number(m[1]), done }); });
    p.on('error', fail);
  });
}

function runHere(vm: HostedVm, max = 4e9): string {
  let out = '';
  for (let n = 0; n < max; n += 1 << 22) { const r = vm.run(1 << 22); out += vm.takeOutput(); if (r.kind !== 'running') break; }
  return out;
}

async function one(w: Workload, policy: PolicyName, reference: string): Promise<{ r: MigrationReport; same: boolean }> {
  const serve = await serveProcess(); // first: its start-up must not be a pause of the guest
  const { vm } = await bootVm({ image: w.image, strategy: w.strategy, ramBytes: RAM, bootargs: w.bootargs, symbols: w.symbols, wallClock: w.wallClock });
  let here = '';
  for (let n = 0; n < w.after; n += 1 << 20) { vm.run(1 << 20); here += vm.takeOutput(); }
  const r = await migrateTo(vm, { host: '127.0.0.1', port: serve.port }, { policy, onOutput: (t) => { here += t; } });
  const there = await serve.done;
  if (SVG_DIR) {
    mkdirSync(SVG_DIR, { recursive: true });
    writeFileSync(join(SVG_DIR, `migration-${policy}-${w.name.replace(/\s+/g, '-')}.svg`), plotMigration(r, undefined, `${policy}, ${w.name}, ${w.strategy}, ${RAM >> 20} MiB: total ${r.totalMs.toFixed(0)} ms, downtime ${r.downtimeMs.toFixed(1)} ms`));
  }
  return { r, same: here + there === reference };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`bench:migration: ${RAM >> 20} MiB guests under ${STRATEGY}, loopback TCP between two processes; load average ${load()}`);
const t = new Table({ head: ['workload', 'policy', 'rounds', 'pages/round', 'MiB sent', 'total ms', 'downtime ms', 'guest clock ms', 'down/total', 'dirty pages/s (last)', 'WWS pages', 'post-copy (degraded period)', 'output'], style: { head: [], border: [] } });
for (const w of WORKLOADS) {
  const ref = runHere((await bootVm({ image: w.image, strategy: w.strategy, ramBytes: RAM, bootargs: w.bootargs, symbols: w.symbols })).vm);
  for (const policy of POLICIES) {
    const { r, same } = await one(w, policy, ref);
    const last = r.rounds[r.rounds.length - 1];
    t.push([w.name, policy, r.rounds.length, r.rounds.map((x) => x.pages).join(' ') + ` | ${r.stop.pages}`, (r.bytesSent / 1048576).toFixed(1),
      r.totalMs.toFixed(0), r.downtimeMs.toFixed(1), r.guestDowntimeMs.toFixed(1), `${((100 * r.downtimeMs) / r.totalMs).toFixed(1)}%`,
      last ? last.dirtyRate.toFixed(0) : '', r.writableWorkingSet, r.postcopy ? `${r.postcopy.requests} faults, ${r.postcopy.requested} pages sent on request, ${r.postcopy.pushed} pushed, ${r.postcopy.ms.toFixed(0)} ms` : '', same ? 'identical' : 'DIFFERENT']);
  }
}
console.log(t.toString());

// The downtime as the guest sees it: the bare dirty guest on the host clock prints the largest gap between two mtime reads.
const gapGuest: Workload = { name: 'guest clock', image: DIRTY, strategy: 'native', symbols: { dirty_pages: BigInt(WSS), dirty_passes: 100000n, dirty_gap: 1n }, wallClock: true, after: 2e6 };
const gaps = new Table({ head: ['policy (bare dirty guest, host-clock timebase)', 'downtime ms (wall)', 'the guest clock\'s jump at the switch-over, ms', 'largest gap between two of its mtime reads over the whole run, ms'], style: { head: [], border: [] } });
for (const policy of ['precopy', 'stop-and-copy', 'postcopy'] as PolicyName[]) {
  const serve = await serveProcess();
  const { vm } = await bootVm({ image: gapGuest.image, strategy: 'native', ramBytes: RAM, symbols: gapGuest.symbols, wallClock: true });
  let out = '';
  vm.run(2e6);
  out += vm.takeOutput();
  const r = await migrateTo(vm, { host: '127.0.0.1', port: serve.port }, { policy, onOutput: (x) => { out += x; } });
  out += await serve.done;
  const gap = /max-gap (\d+)/.exec(out);
  gaps.push([policy, r.downtimeMs.toFixed(1), r.guestDowntimeMs.toFixed(1), gap ? (Number(gap[1]) / 10_000).toFixed(1) : `no gap printed: ${out.slice(-80)}`]);
}
console.log(gaps.toString());
console.log(`load average ${load()}`);
