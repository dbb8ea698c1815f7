// The page-table walker through the side-effect-free debug walk (Machine.translate) on hand-built
// tables. Golden values from the privileged specification, "Virtual Address Translation Process":
// one memory reference per level visited, superpage offsets from the VA, and the page-fault or
// access-fault cause of the original access type (12/13/15, 1/5/7).
import { describe, it, expect, beforeEach } from 'vitest';
import {
  newMachine, PageTable, Machine, pte, V, R, W, X, U, G, A, D, SUM, MXR, CAUSE, RAM_END, DATA, PT_POOL,
} from './harness.js';
import type { CoreFlavor } from '../../bindings/core.js';

const LOAD = 0, STORE = 1, FETCH = 2;
const S = 1, Um = 0;
const PF = [CAUSE.loadPage, CAUSE.storePage, CAUSE.fetchPage];
const AF = [CAUSE.loadAccess, CAUSE.storeAccess, CAUSE.fetchAccess];
const TYPES = [LOAD, STORE, FETCH] as const;

function ok(m: Machine, va: bigint, type: 0 | 1 | 2, priv: number, pa: bigint, refs: number, level: number) {
  expect(m.translate(va, type, priv)).toMatchObject({ ok: true, pa, refs, level });
}
function fault(m: Machine, va: bigint, type: 0 | 1 | 2, priv: number, cause: number, refs?: number) {
  const r = m.translate(va, type, priv);
  expect(r.ok).toBe(false);
  expect(r).toMatchObject(refs === undefined ? { cause } : { cause, refs });
}

for (const flavor of ['release', 'debug'] as CoreFlavor[]) {
  describe(`walker (${flavor} core)`, () => {
    let m: Machine;
    beforeEach(async () => { m = await newMachine({ flavor }); });

    describe('successful walks: references, physical address, leaf level', () => {
      it('Sv39: 4 KiB = 3 references, 2 MiB = 2, 1 GiB = 1', () => {
        const pt = new PageTable(m, 'sv39');
        pt.map(0x4000_1000n, 0x8040_5000n, V | R | W | X | A | D, 0);
        pt.map(0x0060_0000n, 0x8060_0000n, V | R | W | X | A | D, 1); // VPN[1] = 3
        pt.map(0xc000_0000n, 0x1_0000_0000n, V | R | W | X | A | D, 2); // VPN[2] = 3
        pt.map(0xffff_ffff_c000_0000n, 0x2_4000_0000n, V | R | A, 2); // VPN[2] = 511, the top of the VA space
        pt.install();
        for (const t of TYPES) {
          ok(m, 0x4000_1234n, t, S, 0x8040_5234n, 3, 0);
          ok(m, 0x0071_2345n, t, S, 0x8071_2345n, 2, 1); // offset bits 20:0 from the VA
          ok(m, 0xd234_5678n, t, S, 0x1_1234_5678n, 1, 2); // offset bits 29:0 from the VA
        }
        ok(m, 0xffff_ffff_c000_5678n, LOAD, S, 0x2_4000_5678n, 1, 2);
        ok(m, 0xffff_ffff_ffff_fff8n, LOAD, S, 0x2_7fff_fff8n, 1, 2);
        // The debug walk reports the leaf PTE unchanged.
        expect(m.translate(0x4000_1234n, 0, S)).toMatchObject({ pte: pte(0x8040_5000n, V | R | W | X | A | D) });
      });

      it('Sv48: 4 KiB = 4 references, 2 MiB = 3, 1 GiB = 2, 512 GiB = 1', () => {
        const pt = new PageTable(m, 'sv48');
        const f = V | R | W | A | D;
        pt.map(0x0000_7f12_3456_7000n, 0x8040_7000n, f, 0);
        pt.map(0x0000_1234_5660_0000n, 0x8060_0000n, f, 1);
        pt.map(0x0000_0123_4000_0000n, 0xc000_0000n, f, 2);
        pt.map(0x0000_0180_0000_0000n, 0x100_0000_0000n, f, 3); // VPN[3] = 3, a 512 GiB terapage
        pt.map(0xffff_8000_0000_1000n, 0x8040_9000n, f, 0); // the lowest canonical upper-half page
        pt.install();
        ok(m, 0x0000_7f12_3456_7abcn, STORE, S, 0x8040_7abcn, 4, 0);
        ok(m, 0x0000_1234_567f_fff0n, LOAD, S, 0x807f_fff0n, 3, 1); // offset 0x1f_fff0 in the 2 MiB page
        ok(m, 0x0000_0123_7654_3210n, LOAD, S, 0xf654_3210n, 2, 2);
        ok(m, 0x0000_01ff_ffff_fffcn, LOAD, S, 0x17f_ffff_fffcn, 1, 3); // offset bits 38:0 from the VA
        ok(m, 0xffff_8000_0000_1008n, LOAD, S, 0x8040_9008n, 4, 0);
      });

      it('Sv57: 4 KiB = 5 references, 2 MiB = 4, 256 TiB = 1', () => {
        const pt = new PageTable(m, 'sv57');
        const f = V | R | W | A | D;
        pt.map(0x0012_3456_789a_b000n, 0x8040_b000n, f, 0);
        pt.map(0x00ab_cdef_0120_0000n, 0x8060_0000n, f, 1);
        pt.map(0x0001_0000_0000_0000n, 0x1_0000_0000_0000n, f, 4); // VPN[4] = 1, a petapage
        pt.map(0xff00_0000_0000_1000n, 0x8040_c000n, f, 0); // bit 56 set: the upper half
        pt.install();
        ok(m, 0x0012_3456_789a_bcden, LOAD, S, 0x8040_bcden, 5, 0);
        ok(m, 0x00ab_cdef_013f_ff00n, STORE, S, 0x807f_ff00n, 4, 1);
        ok(m, 0x0001_ffff_ffff_fff0n, LOAD, S, 0x1_ffff_ffff_fff0n, 1, 4);
        ok(m, 0xff00_0000_0000_1ff8n, LOAD, S, 0x8040_cff8n, 5, 0);
      });

      it('a PTE in the last doubleword of RAM is read normally', () => {
        const pt = new PageTable(m, 'sv39', RAM_END - 3n * 4096n, RAM_END);
        // VPN[2] = VPN[1] = VPN[0] = 511: every PTE of this walk is the last entry of its table,
        // and the level-0 table is the last page of RAM, so its PTE is at RAM_END - 8.
        pt.map(0xffff_ffff_ffff_f000n, 0x8040_0000n, V | R | A, 0);
        pt.install();
        ok(m, 0xffff_ffff_ffff_f010n, LOAD, S, 0x8040_0010n, 3, 0);
      });
    });

    describe('page faults, with references counted up to the faulting PTE', () => {
      let pt: PageTable;
      const va = 0x4020_3000n; // VPN[2] = 1, VPN[1] = 1, VPN[0] = 3
      beforeEach(() => { pt = new PageTable(m, 'sv39'); pt.install(); });

      it('V = 0 at each level', () => {
        for (const t of TYPES) fault(m, va, t, S, PF[t], 1); // root entry empty
        pt.setRaw(va, 1, 0n); // allocates the level-1 table, its entry empty
        for (const t of TYPES) fault(m, va, t, S, PF[t], 2);
        pt.setRaw(va, 0, pte(DATA, R | W | X | A | D)); // everything but V
        for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
      });

      it('W = 1 with R = 0 is reserved, also for fetch with X = 1', () => {
        for (const flags of [V | W | A | D, V | W | X | A | D]) {
          pt.setRaw(va, 0, pte(DATA, flags));
          for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
        }
        pt.setRaw(va, 1, pte(DATA, V | W | A | D)); // the same at a superpage level
        for (const t of TYPES) fault(m, va, t, S, PF[t], 2);
      });

      it('reserved bits 63:54 (N, PBMT without Svnapot/Svpbmt, reserved) in a leaf or a non-leaf PTE', () => {
        for (const bit of [54n, 55n, 59n, 60n, 61n, 62n, 63n]) {
          pt.setRaw(va, 0, pte(DATA, V | R | W | X | A | D) | (1n << bit));
          for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
          pt.setRaw(va, 0, pte(DATA, V | R | W | X | A | D));
          ok(m, va, LOAD, S, DATA, 3, 0);
          // the same bit in the level-1 pointer
          const at = pt.pteAddr(va, 1);
          const ptr = m.read64(at);
          m.write64(at, ptr | (1n << bit));
          for (const t of TYPES) fault(m, va, t, S, PF[t], 2);
          m.write64(at, ptr);
        }
      });

      it('A, D or U set in a non-leaf PTE', () => {
        pt.setRaw(va, 0, pte(DATA, V | R | W | X | A | D));
        ok(m, va, LOAD, S, DATA, 3, 0);
        const l1 = pt.pteAddr(va, 1), l2 = pt.pteAddr(va, 2);
        for (const bit of [A, D, U]) {
          const ptr1 = m.read64(l1);
          m.write64(l1, ptr1 | bit);
          for (const t of TYPES) fault(m, va, t, S, PF[t], 2);
          m.write64(l1, ptr1);
          const ptr2 = m.read64(l2);
          m.write64(l2, ptr2 | bit);
          for (const t of TYPES) fault(m, va, t, S, PF[t], 1);
          m.write64(l2, ptr2);
        }
        // G is allowed in a non-leaf PTE (all mappings below are global).
        m.write64(l2, m.read64(l2) | G);
        ok(m, va, LOAD, S, DATA, 3, 0);
      });

      it('a pointer at level 0 (no leaf found) faults after LEVELS references', () => {
        pt.setRaw(va, 0, pte(DATA, V)); // R = W = X = 0: a pointer where no level is left
        for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
        const p48 = new PageTable(m, 'sv48', PT_POOL + 0x8_0000n);
        p48.setRaw(va, 0, pte(DATA, V));
        p48.install();
        for (const t of TYPES) fault(m, va, t, S, PF[t], 4);
      });

      it('misaligned superpages: PPN bits below the leaf level must be zero', () => {
        const mega = 0x4060_0000n; // VPN[1] = 3
        pt.map(mega, 0x8060_1000n, V | R | W | X | A | D, 1); // PPN[0] = 1
        for (const t of TYPES) fault(m, mega + 0x1234n, t, S, PF[t], 2);
        pt.map(mega, 0x8060_0000n, V | R | W | X | A | D, 1);
        ok(m, mega + 0x1234n, LOAD, S, 0x8060_1234n, 2, 1);
        const giga = 0x8000_0000n; // VPN[2] = 2
        pt.map(giga, 0x8020_0000n, V | R | W | X | A | D, 2); // PPN[1] = 1
        for (const t of TYPES) fault(m, giga + 0x10n, t, S, PF[t], 1);
        pt.map(giga, 0x1_0000_1000n, V | R | W | X | A | D, 2); // PPN[0] = 1
        for (const t of TYPES) fault(m, giga + 0x10n, t, S, PF[t], 1);
        pt.map(giga, 0xc000_0000n, V | R | W | X | A | D, 2);
        ok(m, giga + 0x10n, LOAD, S, 0xc000_0010n, 1, 2);
      });

      it('non-canonical virtual addresses fault before any reference (Sv39: bits 63:39 = bit 38)', () => {
        // Map the pages that the non-canonical addresses alias in their low 39 bits, so that only
        // the canonical check can make them fail.
        pt.map(0x3f_c000_1000n, DATA, V | R | W | X | A | D, 0); // top page of the lower half
        pt.map(0xffff_ffc0_0000_1000n, DATA, V | R | W | X | A | D, 0); // bottom of the upper half
        ok(m, 0x3f_c000_1000n, LOAD, S, DATA, 3, 0);
        ok(m, 0xffff_ffc0_0000_1000n, LOAD, S, DATA, 3, 0);
        const bad = [0x40_0000_1000n, 0xffff_ff40_0000_1000n, 0xbf_c000_1000n, 0x8000_003f_c000_1000n, 0xfff0_0000_0000_0000n];
        for (const a of bad) {
          for (const t of TYPES) fault(m, a, t, S, PF[t], 0);
          for (const t of TYPES) fault(m, a, t, Um, PF[t], 0);
        }
      });

      it('non-canonical addresses under Sv48 (bit 47) and Sv57 (bit 56)', () => {
        const p48 = new PageTable(m, 'sv48', PT_POOL + 0x8_0000n);
        p48.map(0x1000n, DATA, V | R | W | X | A | D);
        p48.map(0xffff_8000_0000_1000n, DATA, V | R | W | X | A | D);
        p48.install();
        ok(m, 0x1000n, LOAD, S, DATA, 4, 0);
        ok(m, 0xffff_8000_0000_1000n, LOAD, S, DATA, 4, 0);
        fault(m, 0x0000_7fff_ffff_f000n, LOAD, S, CAUSE.loadPage, 1); // canonical but unmapped
        for (const a of [0x0000_8000_0000_1000n, 0x0001_0000_0000_1000n, 0xffff_0000_0000_1000n, 0x8000_0000_0000_1000n]) {
          for (const t of TYPES) fault(m, a, t, S, PF[t], 0);
        }
        const p57 = new PageTable(m, 'sv57', PT_POOL + 0xc_0000n);
        p57.map(0x1000n, DATA, V | R | W | X | A | D);
        p57.map(0xff00_0000_0000_1000n, DATA, V | R | W | X | A | D);
        p57.install();
        ok(m, 0x1000n, LOAD, S, DATA, 5, 0);
        ok(m, 0xff00_0000_0000_1000n, LOAD, S, DATA, 5, 0);
        for (const a of [0x0100_0000_0000_1000n, 0x0200_0000_0000_1000n, 0xfe00_0000_0000_1000n, 0x8000_0000_0000_1000n]) {
          for (const t of TYPES) fault(m, a, t, S, PF[t], 0);
        }
      });
    });

    describe('leaf permissions (privilege, SUM, MXR)', () => {
      const va = 0x4000_5000n;
      let pt: PageTable;
      const leaf = (flags: bigint) => pt.map(va, DATA, flags);
      const sstatus = (bits: bigint) => m.writeCsr(0x300, (m.readCsr(0x300) & ~(SUM | MXR)) | bits);
      beforeEach(() => { pt = new PageTable(m, 'sv39'); pt.install(); });

      it('a U page from S: data only with SUM, never fetch', () => {
        leaf(V | R | W | X | U | A | D);
        sstatus(0n);
        for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
        sstatus(SUM);
        ok(m, va, LOAD, S, DATA, 3, 0);
        ok(m, va, STORE, S, DATA, 3, 0);
        fault(m, va, FETCH, S, CAUSE.fetchPage, 3);
        for (const t of TYPES) ok(m, va, t, Um, DATA, 3, 0); // U itself: everything
      });

      it('an S page from U faults for every access type, SUM or not', () => {
        leaf(V | R | W | X | A | D);
        for (const bits of [0n, SUM, SUM | MXR]) {
          sstatus(bits);
          for (const t of TYPES) fault(m, va, t, Um, PF[t], 3);
          for (const t of TYPES) ok(m, va, t, S, DATA, 3, 0);
        }
      });

      it('an execute-only page: loads need MXR, stores never, fetch always', () => {
        leaf(V | X | A | D);
        sstatus(0n);
        fault(m, va, LOAD, S, CAUSE.loadPage, 3);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
        ok(m, va, FETCH, S, DATA, 3, 0);
        sstatus(MXR);
        ok(m, va, LOAD, S, DATA, 3, 0);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
        ok(m, va, FETCH, S, DATA, 3, 0);
        // The same for U-mode on a U page.
        leaf(V | X | U | A | D);
        sstatus(0n);
        fault(m, va, LOAD, Um, CAUSE.loadPage, 3);
        sstatus(MXR);
        ok(m, va, LOAD, Um, DATA, 3, 0);
        fault(m, va, STORE, Um, CAUSE.storePage, 3);
      });

      it('an execute-only U page from S: readable only with both SUM and MXR', () => {
        leaf(V | X | U | A | D);
        for (const [bits, readable] of [[0n, false], [SUM, false], [MXR, false], [SUM | MXR, true]] as const) {
          sstatus(bits);
          if (readable) ok(m, va, LOAD, S, DATA, 3, 0); else fault(m, va, LOAD, S, CAUSE.loadPage, 3);
          fault(m, va, FETCH, S, CAUSE.fetchPage, 3);
          fault(m, va, STORE, S, CAUSE.storePage, 3);
        }
      });

      it('MXR does not make a page without R or X readable, nor fetchable', () => {
        leaf(V | R | A | D);
        sstatus(MXR);
        ok(m, va, LOAD, S, DATA, 3, 0);
        fault(m, va, FETCH, S, CAUSE.fetchPage, 3);
      });

      it('a read-only page rejects stores, a non-executable one fetches', () => {
        leaf(V | R | A | D);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
        fault(m, va, STORE, Um, CAUSE.storePage, 3);
        fault(m, va, FETCH, S, CAUSE.fetchPage, 3);
        leaf(V | R | W | A | D);
        ok(m, va, STORE, S, DATA, 3, 0);
        fault(m, va, FETCH, S, CAUSE.fetchPage, 3);
        leaf(V | R | X | A);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
        ok(m, va, FETCH, S, DATA, 3, 0);
      });

      it('superpage leaves obey the same rules', () => {
        pt.map(0x4060_0000n, 0x8060_0000n, V | R | U | A | D, 1);
        sstatus(0n);
        fault(m, 0x4061_0000n, LOAD, S, CAUSE.loadPage, 2);
        fault(m, 0x4061_0000n, STORE, Um, CAUSE.storePage, 2);
        ok(m, 0x4061_0000n, LOAD, Um, 0x8061_0000n, 2, 1);
      });
    });

    describe('A and D bits', () => {
      const va = 0x4000_7000n;
      let pt: PageTable;
      beforeEach(() => { pt = new PageTable(m, 'sv39'); pt.install(); });

      it('Svade (default): A = 0 faults every access, D = 0 faults stores only', () => {
        pt.map(va, DATA, V | R | W | X | D);
        for (const t of TYPES) fault(m, va, t, S, PF[t], 3);
        pt.map(va, DATA, V | R | W | X | A);
        ok(m, va, LOAD, S, DATA, 3, 0);
        ok(m, va, FETCH, S, DATA, 3, 0);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
        pt.map(0x4060_0000n, 0x8060_0000n, V | R | W, 1); // a megapage with neither
        for (const t of [LOAD, STORE] as const) fault(m, 0x4060_0000n, t, S, PF[t], 2);
      });

      it('with hardware A/D updating the debug walk succeeds and writes nothing', () => {
        m.configure({ hardwareAD: true });
        const at = pt.map(va, DATA, V | R | W | X);
        const before = m.read64(at);
        const c0 = m.counters();
        for (const t of TYPES) ok(m, va, t, S, DATA, 3, 0);
        expect(m.read64(at)).toBe(before);
        expect(m.counters().walkAdWrites).toBe(c0.walkAdWrites);
        expect(m.counters().walks).toBe(c0.walks);
        // Permissions are still checked before A/D.
        pt.map(va, DATA, V | R);
        fault(m, va, STORE, S, CAUSE.storePage, 3);
      });
    });

    describe('access faults on page-table references outside RAM', () => {
      it('a root table outside RAM: 1 fetch, 5 load, 7 store', () => {
        for (const root of [RAM_END, 0x9000_0000n, 0x4000_0000n, 0n]) {
          m.writeCsr(0x180, (8n << 60n) | (root >> 12n));
          for (const t of TYPES) expect(m.translate(0x4000_0000n, t, S)).toMatchObject({ ok: false, cause: AF[t] });
        }
      });

      it('a lower-level table outside RAM', () => {
        const pt = new PageTable(m, 'sv39');
        pt.install();
        const va = 0x4020_3000n;
        pt.setRaw(va, 2, pte(0x9000_0000n, V)); // level-1 table beyond the end of RAM
        for (const t of TYPES) expect(m.translate(va, t, S)).toMatchObject({ ok: false, cause: AF[t] });
        pt.setRaw(va, 2, pte(RAM_END - 4096n, V)); // the last page of RAM: its PTEs are readable
        m.zeroPhys(RAM_END - 4096n, 4096);
        m.write64(RAM_END - 4096n + 8n * 1n, pte(0xa000_0000n, V)); // VPN[1] = 1 -> level-0 table outside RAM
        for (const t of TYPES) expect(m.translate(va, t, S)).toMatchObject({ ok: false, cause: AF[t] });
        m.write64(RAM_END - 4096n + 8n * 1n, pte(0x8060_0000n, V | R | W | X | A | D)); // a megapage instead
        ok(m, va, LOAD, S, 0x8060_3000n, 2, 1);
      });

      it('a leaf pointing outside RAM is not a walk fault (the access itself decides)', () => {
        const pt = new PageTable(m, 'sv39');
        pt.install();
        pt.map(0x4000_0000n, 0x9000_0000n, V | R | W | X | A | D);
        ok(m, 0x4000_0010n, LOAD, S, 0x9000_0010n, 3, 0);
      });
    });

    describe('translation off', () => {
      it('Bare satp and M-mode translate identically with no references', () => {
        expect(m.translate(0x8000_1234n, LOAD, S)).toMatchObject({ ok: true, pa: 0x8000_1234n, refs: 0 });
        const pt = new PageTable(m, 'sv39');
        pt.install();
        expect(m.translate(0x1234n, LOAD, 3)).toMatchObject({ ok: true, pa: 0x1234n, refs: 0 });
        fault(m, 0x1234n, LOAD, S, CAUSE.loadPage, 1);
      });

      it('a satp write with an unsupported MODE has no effect', () => {
        const pt = new PageTable(m, 'sv39');
        pt.install();
        const before = m.readCsr(0x180);
        for (const mode of [1n, 7n, 11n, 15n]) {
          m.writeCsr(0x180, (mode << 60n) | 0x12345n);
          expect(m.readCsr(0x180)).toBe(before);
        }
      });
    });
  });
}
