// Under the critical profile (sensitive sstatus/stvec/satp accesses that do not trap in U, as on
// IA-32), trap-and-emulate cannot virtualize minios and fails visibly and promptly; binary
// translation and both hardware-assisted strategies still print exactly native's output.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runOne, GUEST_RAM } from '../../src/compare/run.js';
import { resultLine } from '../../src/compare/report.js';

let image: LoadedImage;
beforeAll(() => { image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) }); });

describe('the critical profile on minios', () => {
  it('trap-emulate is wrong (the kernel panics on the dropped sstatus.SUM write), bt, hw-shadow and hw-nested are right', async () => {
    const hw = { profile: 'critical' as const };
    const native = await runOne(image, 'getppid', 200, 'native', hw);
    expect(native.outcome).toBe('halt 0');
    expect(resultLine(native.output, 'getppid')).toBe('getppid n=200 checksum=200');
    const te = await runOne(image, 'getppid', 200, 'trap-emulate', hw);
    expect(te.outcome).toBe('halt 1');
    expect(te.output).toMatch(/minios: panic: /);
    expect(resultLine(te.output, 'getppid')).toBe('');
    expect(te.counts.instructions).toBeLessThan(2_000_000); // it stops at once, no hang
    for (const s of ['bt', 'hw-shadow', 'hw-nested'] as const) {
      const r = await runOne(image, 'getppid', 200, s, hw);
      expect(r.outcome, s).toBe('halt 0');
      expect(r.output, s).toBe(native.output);
    }
  }, 60_000);
});
