/**
 * The long run of the interleaved isolation fuzz (test/vmm/isolation-fuzz.test.ts runs a few seeds):
 *   npx tsx scripts/fuzz-isolation.ts [--seeds 1000] [--from 1] [--strategies trap-emulate,hw-shadow,hw-nested,pv]
 * For each strategy, a hostile kernel per seed runs beside the victim (pv: the paravirtual pair of
 * test/helpers/isolation-pv-guests.ts) in alternating slices of
 * 10,000 instructions; a seed fails when a foreign frame changed, the victim's output differs from
 * its solo run, or the VMM threw. Prints how many seeds ran and failed (and the first failures);
 * exits 1 if any failed.
 */
import { parseArgs } from 'node:util';
import { victimKernel, hostileKernel } from '../test/helpers/isolation-guests.js';
import { interleave, soloOutput, problems, type VmmStrategy } from '../test/helpers/interleave.js';
import { pvVictimKernel, pvHostileKernel } from '../test/helpers/isolation-pv-guests.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1000' }, from: { type: 'string', default: '1' }, strategies: { type: 'string', default: 'trap-emulate,hw-shadow,hw-nested,bt,pv' } } });
const seeds = Number(values.seeds), from = Number(values.from);
let anyFailed = false;
for (const s of values.strategies!.split(',') as VmmStrategy[]) {
  const victim = s === 'pv' ? pvVictimKernel() : victimKernel();
  const hostile = s === 'pv' ? pvHostileKernel : hostileKernel;
  const solo = await soloOutput(s, victim);
  const t0 = performance.now();
  const failed: { seed: number; why: string[] }[] = [];
  for (let seed = from; seed < from + seeds; seed++) {
    const p = problems(await interleave(s, hostile(seed), victim), solo);
    if (p.length) failed.push({ seed, why: p });
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(`${s}: ${seeds} seeds (${from}..${from + seeds - 1}) ran, ${failed.length} failed (${secs} s)`);
  for (const f of failed.slice(0, 5)) console.log(`  seed ${f.seed}: ${f.why.slice(0, 3).join('; ')}`);
  anyFailed ||= failed.length > 0;
}
process.exit(anyFailed ? 1 : 0);
