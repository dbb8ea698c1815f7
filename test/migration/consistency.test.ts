// Memory consistency as QEMU's migration test checks it: a guest increments one byte in every page
// of a working set, in order, pass after pass, and is migrated while it does. On the destination,
// before it resumes, the set holds exactly one edge — each page equals the one before it or is one
// less, once, at the page the guest was writing — and every guest page equals the source's at the
// stop (no dirty page was lost in any round). Then the guest continues and checks its own result.
import { describe, it, expect } from 'vitest';
import { bareDirty, miniosVm, migrateInMemory, runToEnd, VMM_STRATEGIES } from '../helpers/migration.js';
import type { HostedVm } from '../../src/migration/vm/hosted.js';
import { BareVm } from '../../src/migration/vm/bare-vm.js';

const FAST = { maxBandwidth: 2 ** 31, sliceInstructions: 50_000 };

/** The pages where a byte is one less than the byte of the page before it (mod 256). */
function edges(bytes: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === bytes[i - 1]) continue;
    if (bytes[i] === ((bytes[i - 1] + 255) & 0xff)) out.push(i);
    else out.push(-i); // neither equal nor one less: inconsistent
  }
  return out;
}

/** One edge, at the page being written (its index was stored just before the increment, so the edge is there or one past). */
function expectOneEdge(bytes: number[], position: number): void {
  const e = edges(bytes);
  expect(e.every((i) => i > 0), `bytes not monotone: ${e}`).toBe(true);
  if (position === 0 || position >= bytes.length - 1) expect(e.length).toBeLessThanOrEqual(1);
  else expect(e.length).toBe(1);
  if (e.length) expect([position, position + 1]).toContain(e[0]);
}

/** Every guest page of the two VMs is the same. */
function expectSameMemory(a: HostedVm, b: HostedVm): void {
  let differ = 0;
  for (let g = 0; g < a.pages; g++) if (!equal(a.readPage(g), b.readPage(g))) differ++;
  expect(differ, 'guest pages that differ between source and destination').toBe(0);
}
const equal = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);

describe('memory consistency across a pre-copy migration', () => {
  it('bare machine: one edge at the guest\'s position, memory equal to the source\'s, and the guest finishes its passes', async () => {
    const PAGES = 300, PASSES = 4000;
    const { vm, image } = await bareDirty(PAGES, PASSES);
    vm.run(3_000_000);
    let checked = false;
    const m = await migrateInMemory(vm, FAST, {
      beforeResume: (dst) => {
        const d = (dst as BareVm).machine;
        const region = (image.symbols.get('__free_mem')! + 4095n) & ~4095n;
        const bytes = Array.from({ length: PAGES }, (_, i) => d.readPhys(region + BigInt(i) * 4096n, 1)[0]);
        expectOneEdge(bytes, Number(d.read64(image.symbols.get('dirty_position')!)));
        expect(bytes[0]).not.toBe(0); // it had made progress
        expectSameMemory(vm, dst);
        checked = true;
      },
    });
    expect(m.sourceError).toBeUndefined();
    expect(checked).toBe(true);
    expect(m.report!.rounds.length).toBeGreaterThanOrEqual(1);
    expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    expect(m.sourceOutput + m.received!.output).toBe(`dirty: pages ${PAGES} passes ${PASSES} sum ${PAGES * (PASSES & 255)}\ndirty: ok\n`);
  });

  for (const s of VMM_STRATEGIES) {
    it(`minios under ${s}: the working set found in guest memory has one edge at its position; same memory; the guest continues`, async () => {
      const PAGES = 200, PASSES = 20000;
      const args = `dirty=${PAGES},${PASSES} tick=100000`;
      const ref = runToEnd((await miniosVm(s, args)).vm).output;
      const { vm } = await miniosVm(s, args);
      vm.run(4_000_000);
      let checked = false;
      const m = await migrateInMemory(vm, FAST, {
        beforeResume: (dst) => {
          const set = findWorkingSet(dst, PAGES);
          expectOneEdge(set.bytes, set.position);
          expectSameMemory(vm, dst);
          checked = true;
        },
      });
      expect(m.sourceError).toBeUndefined();
      expect(checked).toBe(true);
      expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
      expect(m.sourceOutput + m.received!.output).toBe(ref);
    }, 30_000);
  }
});

/** The pages of minios's dirty program, by their headers ("DIRTYPG", index, PAGES), wherever the guest kernel put them. */
function findWorkingSet(vm: HostedVm, pages: number): { bytes: number[]; position: number } {
  const bytes = new Array<number>(pages).fill(-1);
  let position = -1;
  const magic = new TextEncoder().encode('DIRTYPG\0');
  for (let g = 0; g < vm.pages; g++) {
    const p = vm.readPage(g);
    if (!magic.every((b, i) => p[8 + i] === b)) continue;
    const v = new DataView(p.buffer, p.byteOffset);
    const index = Number(v.getBigUint64(16, true));
    if (Number(v.getBigUint64(24, true)) !== pages || index >= pages) continue;
    bytes[index] = p[0];
    if (index === 0) position = Number(v.getBigUint64(32, true));
  }
  expect(bytes.indexOf(-1), 'every page of the working set is in guest memory').toBe(-1);
  return { bytes, position };
}

