// minios's microbenchmarks under every VMM strategy (minios-pv under pv): the same output as on bare hardware, and
// counters that agree with what each strategy is (hw-nested never traps a page-table write, trap-
// and-emulate traps them for fork; with hardware assist a system call costs no exit).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runOne, runMeasured, GUEST_RAM } from '../../src/compare/run.js';
import { resultLine } from '../../src/compare/report.js';
import { WORKLOADS } from '../../src/compare/workloads.js';

const SMALL: Record<string, number> = { compute: 100_000, getppid: 1000, fork: 10, tlb: 20_000, map4m: 1, io: 20 };
const VMM_STRATEGIES = ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'] as const;
let image: LoadedImage, pvImage: LoadedImage;
beforeAll(() => {
  image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
  pvImage = parseImage(readFileSync('guests/build/minios-pv.elf'), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
});

describe('every workload prints the same under every strategy as natively', () => {
  for (const w of WORKLOADS) {
    it(w.name, async () => {
      const native = await runOne(image, w.name, SMALL[w.name], 'native');
      expect(native.outcome).toBe('halt 0');
      expect(resultLine(native.output, w.name)).toMatch(new RegExp(`^${w.name} n=${SMALL[w.name]} checksum=\\d+$`));
      for (const s of VMM_STRATEGIES) {
        const r = await runOne(image, w.name, SMALL[w.name], s);
        expect(r.outcome, s).toBe('halt 0');
        expect(r.output, s).toBe(native.output);
      }
      const pv = await runOne(pvImage, w.name, SMALL[w.name], 'pv');
      expect(pv.outcome, 'pv').toBe('halt 0');
      expect(pv.output, 'pv (minios-pv)').toBe(native.output);
    }, 30_000);
  }
});

describe('the counters agree with the strategy', () => {
  it('hw-nested: no page-table write, shadow fill or page fault ever reaches the VMM', async () => {
    for (const w of ['fork', 'tlb']) {
      const r = await runOne(image, w, SMALL[w], 'hw-nested');
      // 'mmio': minios's boot-time probe of the virtio-mmio transports (and the block device's setup)
      for (const kind of Object.keys(r.counts.exits)) expect(['sbi', 'timer', 'mmio'], `${w}: ${kind}`).toContain(kind);
      expect(r.counts.exits.mmio ?? 0, w).toBeLessThan(40);
      expect([r.ptWrites, r.hiddenFaults], w).toEqual([0, 0]);
    }
  });

  it('trap-emulate traps the page-table writes of fork; hw-shadow does too; hw-nested does not', async () => {
    const te = await runMeasured(image, 'fork', 20, 'trap-emulate');
    const hs = await runMeasured(image, 'fork', 20, 'hw-shadow');
    const hn = await runMeasured(image, 'fork', 20, 'hw-nested');
    expect(te.ptWrites).toBeGreaterThan(20);
    expect(te.counts.exits['pt-write']).toBe(te.ptWrites);
    expect(hs.ptWrites).toBeGreaterThan(20);
    expect(hn.ptWrites).toBe(0);
  }, 30_000);

  it('getppid: at least one exit per call under trap-emulate, none per call with hardware assist', async () => {
    const n = 2000;
    const te = await runMeasured(image, 'getppid', n, 'trap-emulate');
    const total = (r: typeof te) => Object.values(r.counts.exits).reduce((a, b) => a + b, 0);
    expect(te.counts.exits.syscall).toBe(n);
    expect(total(te)).toBeGreaterThan(5 * n); // the kernel's CSR accesses and SRET trap too
    for (const s of ['hw-shadow', 'hw-nested'] as const) {
      const r = await runMeasured(image, 'getppid', n, s);
      expect(total(r), s).toBeLessThan(n / 50); // console output and timer ticks only
      expect(r.counts.exits.syscall ?? 0, s).toBe(0);
    }
  }, 30_000);

  it('the TLB-hostile loop: 2D walks under hw-nested (15 references per miss), 1D elsewhere', async () => {
    const native = await runMeasured(image, 'tlb', 20_000, 'native');
    const nested = await runMeasured(image, 'tlb', 20_000, 'hw-nested');
    expect(native.counts.walkRefs / native.walks).toBeCloseTo(3, 1);
    expect(nested.counts.walkRefs / nested.walks).toBeGreaterThan(14);
    expect(nested.counts.walkRefs / nested.walks).toBeLessThanOrEqual(15);
  }, 30_000);
});
