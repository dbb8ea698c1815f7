// The bars, measured as vmlab compare measures them (steady state: a run of n minus a run
// of 0): map4m under pv takes at most 2 page-table hypercalls where trap-and-emulate takes at
// least 1,024 page-table exits, and at least 1,024 with a batch of 1; getppid under pv is at least
// 90% of native; every output matches native; an io read costs one notification under pv and the
// emulated device's three register accesses elsewhere.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runMeasured, GUEST_RAM, type RunResult } from '../../src/compare/run.js';
import { buildRows } from '../../src/compare/report.js';
import { DEFAULT_COST } from '../../src/cost/model.js';

let native: LoadedImage, pv: LoadedImage;
beforeAll(() => {
  native = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
  pv = parseImage(readFileSync('guests/build/minios-pv.elf'), { base: GUEST_RAM_BASE, size: BigInt(GUEST_RAM) });
});
const PT_HYPERCALLS = ['multicall', 'mmu_update', 'mmuext_op'];
const sum = (r: RunResult, kinds: string[]) => kinds.reduce((n, k) => n + (r.counts.exits[k] ?? 0), 0);

describe('map4m', () => {
  it('pv: at most 2 page-table hypercalls (one batch each way); trap-emulate: at least 1,024 page-table exits', async () => {
    const [n, te, p] = await Promise.all([runMeasured(native, 'map4m', 1, 'native'), runMeasured(native, 'map4m', 1, 'trap-emulate'), runMeasured(pv, 'map4m', 1, 'pv')]);
    expect(sum(p, PT_HYPERCALLS)).toBeLessThanOrEqual(2);
    expect(p.counts.validatedPtes).toBeGreaterThanOrEqual(2048); // the 1,024 maps and 1,024 unmaps, each validated
    expect(sum(te, ['pt-write', 'hidden-fault'])).toBeGreaterThanOrEqual(1024);
    for (const r of [te, p]) expect(r.output).toBe(n.output);
  }, 60_000);

  it('trap-emulate with --set trap-emulate.flood=off (every page-table page stays protected): at least 1,024 page-table-write exits', async () => {
    const [n, te] = await Promise.all([runMeasured(native, 'map4m', 1, 'native'), runMeasured(native, 'map4m', 1, 'trap-emulate', {}, { params: { flood: 'off' } })]);
    expect(te.counts.exits['pt-write']).toBeGreaterThanOrEqual(2048); // each of the 1,024 maps and 1,024 unmaps traps
    expect(te.ptWrites).toBe(te.counts.exits['pt-write']);
    expect(te.output).toBe(n.output);
  }, 60_000);

  it('pv with --set pv.batch=1: at least 1,024 (one hypercall per page-table update)', async () => {
    const p = await runMeasured(pv, 'map4m', 1, 'pv', {}, { params: { batch: '1' } });
    expect(p.counts.exits.mmu_update).toBeGreaterThanOrEqual(2048);
    expect(p.counts.exits.multicall ?? 0).toBe(0);
  }, 60_000);
});

describe('getppid and io', () => {
  it('getppid under pv is at least 90% of native (system calls never leave the guest)', async () => {
    const runs = [await runMeasured(native, 'getppid', 5000, 'native'), await runMeasured(pv, 'getppid', 5000, 'pv')];
    const [, row] = buildRows(runs, DEFAULT_COST);
    expect(row.matchesNative).toBe(true);
    expect(row.relativeToNative).toBeGreaterThanOrEqual(0.9);
    expect(runs[1].counts.exits.syscall ?? 0).toBe(0);
  }, 60_000);

  it('io: one notification per read under pv, three emulated register accesses per read under trap-emulate', async () => {
    const n = 40;
    const [nat, te, p] = [await runMeasured(native, 'io', n, 'native'), await runMeasured(native, 'io', n, 'trap-emulate'), await runMeasured(pv, 'io', n, 'pv')];
    expect(te.counts.exits.mmio).toBe(3 * n);
    expect(p.counts.exits.event_channel_op).toBe(n);
    expect(te.output).toBe(nat.output);
    expect(p.output).toBe(nat.output);
  }, 60_000);
});
