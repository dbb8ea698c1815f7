// bt joins the interleaved isolation check: a seeded hostile kernel and a self-checking victim on
// one hart, in alternating slices, under one bt instance: no frame the running VM does not own
// changes in any slice, and the victim prints what it prints alone.
import { describe, it, expect } from 'vitest';
import { interleave } from '../helpers/interleave.js';
import { victimKernel, hostileKernel } from '../helpers/isolation-guests.js';
import { runBt } from '../helpers/bt-guest.js';

describe('bt: a hostile VM beside a victim', () => {
  for (const seed of [1, 7]) {
    it(`seed ${seed}`, async () => {
      const alone = await runBt({ image: victimKernel(), addr: () => 0n });
      expect(alone.out).toEqual({ kind: 'halt', code: 0 });
      const r = await interleave('bt', hostileKernel(seed), victimKernel());
      expect(r.violations).toEqual([]);
      expect(r.victim).toEqual({ kind: 'halt', code: 0 });
      expect(r.victimOutput).toBe(alone.vm.console);
      expect(r.victimOutput).toMatch(/^victim ok [0-9a-f]{16}\n$/);
    }, 60_000);
  }
});
