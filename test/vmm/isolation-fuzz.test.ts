// no-translation-leaks-across-world-switches: a hostile VM (test/helpers/isolation-guests.ts) runs
// beside a self-checking victim in alternating slices of 10,000 instructions under every VMM
// strategy, with no flush added by the harness. After every slice, no frame the running VM does not
// own has changed; the victim ends with exactly its solo output; the VMM never throws. A fixed set
// of seeds runs here; `npx tsx scripts/fuzz-isolation.ts` runs thousands.
import { describe, it, expect } from 'vitest';
import { victimKernel, hostileKernel } from '../helpers/isolation-guests.js';
import { interleave, soloOutput, problems, type VmmStrategy } from '../helpers/interleave.js';
import { TagAllocator } from '../../src/vmm/tags.js';
import { HwNested } from '../../src/vmm/strategies/hw-nested.js';
import { pvVictimKernel, pvHostileKernel } from '../helpers/isolation-pv-guests.js';
import { PvStrategy } from '../../src/pv/strategy.js';
import { PageType } from '../../src/pv/frame-table.js';

const STRATEGIES: VmmStrategy[] = ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'];
const SEEDS = [1, 2, 3, 4, 5, 6];
const victim = victimKernel();

describe('interleaved hostile VM beside a victim', () => {
  for (const s of STRATEGIES) {
    it(`${s}: seeds ${SEEDS.join(', ')} leave every foreign frame and the victim's output intact`, async () => {
      const solo = await soloOutput(s, victim);
      expect(solo).toMatch(/^victim ok [0-9a-f]{16}\n$/);
      for (const seed of SEEDS) {
        const r = await interleave(s, hostileKernel(seed), victim);
        expect(problems(r, solo), `seed ${seed}`).toEqual([]);
        expect(r.slices).toBeGreaterThan(10); // the two really alternated
      }
    }, 120_000);
  }

  // pv runs paravirtual kernels: a PV victim beside a seeded hostile PV kernel (isolation-pv-guests.ts).
  it(`pv: seeds ${SEEDS.join(', ')} leave every foreign frame and the PV victim's output intact`, async () => {
    const pvVictim = pvVictimKernel();
    const solo = await soloOutput('pv', pvVictim);
    expect(solo).toBe('pv victim ok\n');
    for (const seed of SEEDS) {
      const r = await interleave('pv', pvHostileKernel(seed), pvVictim);
      expect(problems(r, solo), `seed ${seed}`).toEqual([]);
      expect(r.slices).toBeGreaterThan(10);
    }
  }, 120_000);

  it('pv: the check fails when the hypervisor lets an L1 entry name a foreign frame', async () => {
    const broken = (ctx: ConstructorParameters<typeof PvStrategy>[0]) => {
      const s = new PvStrategy(ctx);
      const rules = s.hv.rules, frames = s.hv.frames, real = rules.getEntryRefs.bind(rules);
      rules.getEntryRefs = (pte, type, dom) => real(pte, type, type === PageType.L1 ? frames.owner((pte >> 10n) & ((1n << 44n) - 1n)) ?? dom : dom);
      return s;
    };
    const pvVictim = pvVictimKernel();
    const solo = await soloOutput('pv', pvVictim);
    expect(problems(await interleave(broken, pvHostileKernel(5), pvVictim), solo).length).toBeGreaterThan(0);
  }, 60_000);

  it('the check fails when VMs share a tag (every VM given VMID 1, as if no allocator existed)', async () => {
    class OneTag extends TagAllocator {
      override alloc(): number { return 1; }
      override release(): void {}
    }
    const broken = (ctx: ConstructorParameters<typeof HwNested>[0]) => {
      Object.defineProperty(ctx.host, 'vmids', { value: new OneTag('VMID', 1) });
      return new HwNested(ctx);
    };
    const solo = await soloOutput('hw-nested', victim);
    const found = problems(await interleave(broken, hostileKernel(1), victim, { maxSlices: 60 }), solo);
    expect(found.length).toBeGreaterThan(0);
  }, 60_000);
});
