/**
 * `npm run bench:bt` (also the end of `npm run bench`): binary translation against trap-and-emulate
 * on the two system-heavy loops of the seed, getppid and fork, in one process: wall time of the
 * steady state (a run of 0 iterations subtracted), alternating the two strategies pair by pair and
 * swapping which goes first, so that drift in the machine's load hits both alike; and, from the
 * counters, the exits binary translation avoids. On a loaded host the best run of each side is the
 * nearer to what the work costs, so the speed-up is given for the medians and for the best runs.
 * Usage: tsx bench/bt.ts [pairs] [getppid=n,fork=n]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { parseImage } from '../src/loader/index.js';
import { GUEST_RAM_BASE } from '../src/vmm/vm.js';
import { runMeasured, GUEST_RAM, type RunResult } from '../src/compare/run.js';
import { topExits } from '../src/compare/report.js';

const PAIRS = Number(process.argv[2] ?? 5);
const SIZES = Object.fromEntries((process.argv[3] ?? 'getppid=20000,fork=200').split(',').map((kv) => { const [k, v] = kv.split('='); return [k, Number(v)]; }));
const image = parseImage(readFileSync(join(import.meta.dirname, '..', 'guests', 'build', 'minios.elf')), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}]`;
const exits = (r: RunResult) => Object.values(r.counts.exits).reduce((a, b) => a + b, 0);

const t = new Table({ head: ['workload', 'trap-emulate ms', 'bt ms', 'speed-up (te / bt): medians, best runs', 'exits trap-emulate', 'exits bt', 'avoided', 'per iteration', 'bt\'s exits'], style: { head: [], border: [] } });
for (const [workload, n] of Object.entries(SIZES)) {
  const walls: Record<'trap-emulate' | 'bt', number[]> = { 'trap-emulate': [], bt: [] };
  const last: Partial<Record<'trap-emulate' | 'bt', RunResult>> = {};
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 === 0 ? (['trap-emulate', 'bt'] as const) : (['bt', 'trap-emulate'] as const);
    for (const s of order) {
      const r = await runMeasured(image, workload, n, s);
      if (r.outcome !== 'halt 0') throw new Error(`${workload} under ${s}: ${r.outcome}`);
      walls[s].push(r.wallMs);
      last[s] = r;
    }
    process.stderr.write(`${workload}: pair ${pair + 1}/${PAIRS}\n`);
  }
  const te = last['trap-emulate']!, bt = last.bt!;
  const wTe = median(walls['trap-emulate']), wBt = median(walls.bt);
  t.push([`${workload} n=${n}`, spread(walls['trap-emulate']), spread(walls.bt), `${(wTe / wBt).toFixed(2)}×, ${(Math.min(...walls['trap-emulate']) / Math.min(...walls.bt)).toFixed(2)}×`, exits(te).toLocaleString('en-US'), exits(bt).toLocaleString('en-US'),
    (exits(te) - exits(bt)).toLocaleString('en-US'), ((exits(te) - exits(bt)) / n).toFixed(1), topExits(bt.counts.exits, 4)]);
}
console.log(t.toString());
console.log(`node ${process.version}, ${PAIRS} pairs, medians [range] of the steady-state wall time; the counts are exact and the same in every run; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
