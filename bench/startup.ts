/**
 * `npm run bench:startup`: how long `vmlab run` of a tiny guest takes from process start to exit
 * (isa-alu: about a thousand instructions), for the compiled CLI users get (bin/vmlab.mjs, dist/)
 * and the TypeScript sources through tsx (npm run dev), beside a bare `node -e 0`. Runs each
 * alternately, N times (default 15), and prints the median and the fastest run in ms.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';

const ROOT = join(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 15);
const GUEST = join(ROOT, 'guests', 'build', 'isa-alu.elf');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CASES: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'vmlab run (compiled)': [join(ROOT, 'bin', 'vmlab.mjs'), 'run', GUEST],
  'vmlab run (tsx, sources)': [TSX, join(ROOT, 'scripts', 'dev.ts'), 'run', GUEST],
};

const times: Record<string, number[]> = Object.fromEntries(Object.keys(CASES).map((k) => [k, []]));
for (let i = 0; i < N; i++) {
  for (const [name, args] of Object.entries(CASES)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times[name].push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`start-up, ${N} runs each, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, xs] of Object.entries(times)) {
  console.log(`${name.padEnd(26)} median ${median(xs).toFixed(0).padStart(5)} ms   fastest ${Math.min(...xs).toFixed(0).padStart(5)} ms`);
}
