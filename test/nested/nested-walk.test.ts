// The two-stage walker on hand-built tables: every VS-stage PTE address and the final guest
// physical address go through the G-stage, so an n-level guest table over an m-level G-stage costs
// n·m + n + m references; superpages in either stage cut that; guest-page faults name the guest
// physical address and whether the walk's own PTE read (an implicit access) faulted.
import { describe, it, expect, beforeEach } from 'vitest';
import { Machine, RAM_BASE } from '../../bindings/machine.js';

import { V, R, U, A, LEAF, LOAD, STORE, FETCH, SV39, SV48, GPA_TABLES, GPA_DATA, GVA, TwoStage, vsTables } from '../helpers/two-stage.js';

let m: Machine;
beforeEach(async () => { m = await Machine.create({ ramBytes: 8 << 20 }); });

describe('two-stage walks: n·m + n + m references', () => {
  for (const [name, mode, levels, expected] of [['Sv39 over Sv39x4', SV39, 3, 15], ['Sv48 over Sv48x4', SV48, 4, 24]] as const) {
    it(`${name}: ${expected} references, ${levels * levels + levels} of them G-stage`, () => {
      const t = new TwoStage(m, levels);
      const vsatp = (mode << 60n) | vsTables(t, levels);
      const data = t.guestPage(GPA_DATA);
      const r = m.translateNested(GVA + 0x123n, vsatp, t.hgatp(mode), LOAD, 1);
      expect(r).toMatchObject({ ok: true, pa: data + 0x123n, refs: expected, refsG: levels * levels + levels });
    });
  }

  it('a bare guest (vsatp = 0) costs only the G-stage: 3 references for Sv39x4', () => {
    const t = new TwoStage(m, 3);
    const data = t.guestPage(GPA_DATA);
    expect(m.translateNested(GPA_DATA + 8n, 0n, t.hgatp(SV39), LOAD, 1)).toMatchObject({ ok: true, pa: data + 8n, refs: 3, refsG: 3 });
  });

  it('gigapages in both stages: 1·1 + 1 + 1 = 3 references', () => {
    const t = new TwoStage(m, 3);
    // G: guest 0x8000_0000..+1 GiB -> host RAM base (1 GiB leaf; only the first MiBs exist)
    t.gMap(0x8000_0000n, RAM_BASE, 2);
    // VS: a gigapage leaf in the root (at GPA 0x8020_0000 = host RAM + 0x20_0000) for GVA 0x4000_0000 -> GPA 0x8000_0000
    const vsRootGpa = 0x8020_0000n, vsRootHpa = RAM_BASE + 0x20_0000n;
    m.zeroPhys(vsRootHpa, 4096);
    m.write64(vsRootHpa + 8n, ((0x8000_0000n >> 12n) << 10n) | LEAF);
    const r = m.translateNested(GVA + 0x3_4567n, (SV39 << 60n) | (vsRootGpa >> 12n), t.hgatp(SV39), LOAD, 1);
    expect(r).toMatchObject({ ok: true, pa: RAM_BASE + 0x3_4567n, refs: 3, refsG: 2 });
  });

  it('the G-stage root is 16 KiB: the two low PPN bits of hgatp are ignored', () => {
    const t = new TwoStage(m, 3);
    const data = t.guestPage(GPA_DATA);
    expect(m.translateNested(GPA_DATA, 0n, t.hgatp(SV39) | 3n, LOAD, 1)).toMatchObject({ ok: true, pa: data });
  });
});

describe('guest-page faults', () => {
  function setup() {
    const t = new TwoStage(m, 3);
    const vsatp = (SV39 << 60n) | vsTables(t, 3);
    t.guestPage(GPA_DATA);
    return { t, vsatp, hgatp: t.hgatp(SV39) };
  }

  it('a VS-stage PTE whose guest page is unmapped: the original access type, the PTE GPA, implicit', () => {
    const { t, vsatp, hgatp } = setup();
    t.gUnmap(GPA_TABLES + 0x1000n); // the VS level-1 table
    const l1pte = GPA_TABLES + 0x1000n + ((GVA >> 21n) & 0x1ffn) * 8n;
    for (const [type, cause] of [[LOAD, 21], [STORE, 23], [FETCH, 20]] as const) {
      expect(m.translateNested(GVA, vsatp, hgatp, type, 1)).toMatchObject({ ok: false, cause, gpa: l1pte, implicit: true });
    }
  });

  it('the final guest physical address unmapped: explicit, with the full GPA', () => {
    const { t, vsatp, hgatp } = setup();
    t.gUnmap(GPA_DATA);
    expect(m.translateNested(GVA + 0x10n, vsatp, hgatp, STORE, 1)).toMatchObject({ ok: false, cause: 23, gpa: GPA_DATA + 0x10n, implicit: false });
  });

  it('G-stage leaves must allow user access, and the access itself', () => {
    const { t, vsatp, hgatp } = setup();
    const h = t.gmap.get(GPA_DATA)!;
    t.gMap(GPA_DATA, h, 0, LEAF); // U clear
    expect(m.translateNested(GVA, vsatp, hgatp, LOAD, 1)).toMatchObject({ ok: false, cause: 21, gpa: GPA_DATA });
    t.gMap(GPA_DATA, h, 0, V | R | U | A); // read-only
    expect(m.translateNested(GVA, vsatp, hgatp, LOAD, 1)).toMatchObject({ ok: true });
    expect(m.translateNested(GVA, vsatp, hgatp, STORE, 1)).toMatchObject({ ok: false, cause: 23 });
  });

  it('guest physical addresses wider than Sv39x4 (41 bits) fault', () => {
    const t = new TwoStage(m, 3);
    expect(m.translateNested(1n << 41n, 0n, t.hgatp(SV39), LOAD, 1)).toMatchObject({ ok: false, cause: 21, gpa: 1n << 41n, refs: 0 });
  });

  it('a VS-stage fault stays an ordinary page fault', () => {
    const { t, vsatp, hgatp } = setup();
    t.gWrite64(GPA_TABLES + 0x2000n + ((GVA >> 12n) & 0x1ffn) * 8n, 0n); // VS leaf invalid
    expect(m.translateNested(GVA, vsatp, hgatp, LOAD, 1)).toMatchObject({ ok: false, cause: 13, refs: 3 * 3 + 3 });
  });
});

describe('walk accelerators (PWC per stage, nested TLB), off by default', () => {
  it('a repeated 2D walk: 15 references without them; the PWC and the nested TLB cut them as counted', () => {
    const t = new TwoStage(m, 3);
    const vsatp = (SV39 << 60n) | vsTables(t, 3);
    const data = t.guestPage(GPA_DATA);
    const hgatp = t.hgatp(SV39);
    const twice = () => [0, 1].map(() => m.translateNested(GVA, vsatp, hgatp, LOAD, 1, true));
    expect(twice().map((r) => r.refs)).toEqual([15, 15]);
    // PWC only. First walk: the three VS tables and the data share one 2 MiB guest region, so after
    // the first G walk (3) the G-stage PWC leaves one reference per G walk: (3+1) + (1+1) + (1+1) + 1 = 9.
    // Second walk: the VS PWC gives the level-0 table: (1+1) + 1 = 3.
    m.configure({ walkCaches: { pwc: true, ntlb: false } });
    expect(twice().map((r) => r.refs)).toEqual([9, 3]);
    // Both: the first walk as above (every guest page new to the nested TLB); the second reads only
    // the VS leaf, its guest page and the data page coming from the nested TLB.
    m.configure({ walkCaches: { pwc: true, ntlb: true } });
    const [first, second] = twice();
    expect(first).toMatchObject({ ok: true, pa: data, refs: 9 });
    expect(second).toMatchObject({ ok: true, pa: data, refs: 1, refsG: 0 });
    const c = m.counters();
    expect(c.pwcHits).toBeGreaterThan(0n);
    expect(c.ntlbHits).toBe(2n);
  });

  it('debug walks (not as on a miss) never use or fill them', () => {
    const t = new TwoStage(m, 3);
    const vsatp = (SV39 << 60n) | vsTables(t, 3);
    t.guestPage(GPA_DATA);
    m.configure({ walkCaches: { pwc: true, ntlb: true } });
    for (let i = 0; i < 2; i++) expect(m.translateNested(GVA, vsatp, t.hgatp(SV39), LOAD, 1)).toMatchObject({ refs: 15 });
    expect(m.counters().pwcHits).toBe(0n);
  });
});
