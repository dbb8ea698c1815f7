// Direct paging with validation: hand-built mmu_update and mmuext_op requests from a domain. Each
// refusal returns Xen's error code and changes nothing (no byte of either domain, no count of the
// frame table); what is allowed takes the references Xen's rules say.
import { describe, it, expect, beforeEach } from 'vitest';
import { pvHost, mfn, slot, leafPte, tablePte, asDomain, updates, stateDigest, type PvHost } from '../helpers/pv-host.js';
import { MmuBatch } from '../../src/pv/xc.js';
import { PageType } from '../../src/pv/frame-table.js';
import { HYPERCALL, MMUEXT, ERRNO, DOMID_SELF } from '../../src/pv/abi.js';
import { Fields } from '../../src/pv/guest-access.js';

const ROOT = 8, L2 = 9, L1 = 10, DATA = 11, DATA2 = 12;
let h: PvHost;

beforeEach(async () => {
  h = await pvHost();
  // Domain 1's address space: VA 0 -> DATA (writable), through L1 <- L2 <- ROOT, pinned.
  new MmuBatch(h.hv, 1)
    .update(slot(h.a, L1, 0), leafPte(mfn(h.a, DATA)))
    .update(slot(h.a, L2, 0), tablePte(mfn(h.a, L1)))
    .update(slot(h.a, ROOT, 0), tablePte(mfn(h.a, L2)))
    .extended(MMUEXT.PIN_L3_TABLE, mfn(h.a, ROOT))
    .flushOrThrow();
});

/** domain 1's mmu_update of `reqs` (arguments in its memory); returns the result and the success count. */
function mmuUpdate(reqs: Array<[bigint, bigint]>, arrayVa?: bigint): { rc: number; done: number } {
  const bytes = updates(reqs);
  const { caller, buffer } = asDomain(h.hv, h.da, new Uint8Array(bytes.length + 8));
  buffer.bytes.set(bytes);
  const doneVa = buffer.base + BigInt(bytes.length);
  const rc = h.hv.hypercall(caller, HYPERCALL.mmu_update, [arrayVa ?? buffer.base, BigInt(reqs.length), doneVa, BigInt(DOMID_SELF), 0n, 0n]);
  return { rc, done: new Fields(buffer.bytes).u32(bytes.length) };
}
function mmuext(cmd: number, arg1: bigint, arg2 = 0n): number {
  const f = new Fields(new Uint8Array(24)).setU32(0, cmd).setU64(8, arg1).setU64(16, arg2);
  const { caller, buffer } = asDomain(h.hv, h.da, f.bytes);
  return h.hv.hypercall(caller, HYPERCALL.mmuext_op, [buffer.base, 1n, 0n, BigInt(DOMID_SELF), 0n, 0n]);
}
const E = (name: keyof typeof ERRNO) => -ERRNO[name];

describe('the initial tables', () => {
  it('are validated by the pin: each frame has the type of its use and the counts Xen gives it', () => {
    const f = h.hv.frames;
    expect([f.typeOf(mfn(h.a, ROOT)), f.typeOf(mfn(h.a, L2)), f.typeOf(mfn(h.a, L1)), f.typeOf(mfn(h.a, DATA))])
      .toEqual([PageType.L3, PageType.L2, PageType.L1, PageType.Writable]);
    expect(f.isPinned(mfn(h.a, ROOT))).toBe(true);
    expect([f.typeCountOf(mfn(h.a, L1)), f.countOf(mfn(h.a, DATA)), f.typeCountOf(mfn(h.a, DATA))]).toEqual([1, 1, 1]);
  });
});

describe('refusals change nothing', () => {
  const cases: Array<[string, () => number, number]> = [
    ['a foreign frame mapped writable', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.b, DATA))]]).rc, E('EBUSY')],
    ['a foreign frame mapped read-only', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.b, DATA), false)]]).rc, E('EBUSY')],
    ['a foreign frame as a page table', () => mmuUpdate([[slot(h.a, L2, 1), tablePte(mfn(h.b, L1))]]).rc, E('EINVAL')],
    ['a write to a foreign page table', () => mmuUpdate([[slot(h.b, L1, 1), 0n]]).rc, E('EINVAL')],
    ['a writable mapping of a pinned table', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, ROOT))]]).rc, E('EBUSY')],
    ['a writable mapping of a table in use (its own L1)', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, L1))]]).rc, E('EBUSY')],
    ['a type change with references left (pin a page mapped writable)', () => mmuext(MMUEXT.PIN_L1_TABLE, mfn(h.a, DATA)), E('EINVAL')],
    ['a table mapped writable as the next table (linear map)', () => mmuUpdate([[slot(h.a, L2, 1), tablePte(mfn(h.a, DATA))]]).rc, E('EINVAL')],
    ['the root as its own next level', () => mmuUpdate([[slot(h.a, ROOT, 1), tablePte(mfn(h.a, ROOT))]]).rc, E('EINVAL')],
    ['MMIO (the UART)', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(0x10000n)]]).rc, E('EPERM')],
    ['MMIO (the CLINT)', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(0x2000n, false)]]).rc, E('EPERM')],
    ['a bad level: a leaf in an L2 (a superpage)', () => mmuUpdate([[slot(h.a, L2, 1), leafPte(mfn(h.a, DATA2))]]).rc, E('EINVAL')],
    ['a bad level: a pointer in an L1', () => mmuUpdate([[slot(h.a, L1, 1), tablePte(mfn(h.a, DATA2))]]).rc, E('EINVAL')],
    ['a bad level: PIN_L4 on Sv39', () => mmuext(MMUEXT.PIN_L4_TABLE, mfn(h.a, DATA2)), E('EINVAL')],
    ['a write-only leaf (reserved)', () => mmuUpdate([[slot(h.a, L1, 1), (mfn(h.a, DATA2) << 10n) | 0xc5n]]).rc, E('EINVAL')],
    ['reserved PTE bits (63..54)', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, DATA2)) | (1n << 62n)]]).rc, E('EINVAL')],
    ['an unaligned PTE pointer (low bits select no command)', () => mmuUpdate([[slot(h.a, L1, 1) + 4n, leafPte(mfn(h.a, DATA2))]]).rc, E('ENOSYS')],
    ['an out-of-range request array', () => mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, DATA2))]], 0x7000_0000n).rc, E('EFAULT')],
    ['a PTE pointer outside RAM', () => mmuUpdate([[0x1_0000_0000n, 0n]]).rc, E('EINVAL')],
    ['another domain named as foreigndom', () => {
      const { caller, buffer } = asDomain(h.hv, h.da, updates([[slot(h.b, L1, 1), 0n]]));
      return h.hv.hypercall(caller, HYPERCALL.mmu_update, [buffer.base, 1n, 0n, 2n, 0n, 0n]);
    }, E('ESRCH')],
    ['a base pointer that is not a table of the domain', () => mmuext(MMUEXT.NEW_BASEPTR, mfn(h.b, ROOT)), E('EINVAL')],
    ['a base pointer mapped writable', () => mmuext(MMUEXT.NEW_BASEPTR, mfn(h.a, DATA)), E('EINVAL')],
    ['unpinning what is not pinned', () => mmuext(MMUEXT.UNPIN_TABLE, mfn(h.a, L2)), E('EINVAL')],
    ['pinning a victim\'s frame', () => mmuext(MMUEXT.PIN_L1_TABLE, mfn(h.b, DATA2)), E('EINVAL')],
  ];
  for (const [what, attempt, code] of cases) {
    it(`${what}: ${code}`, () => {
      const before = stateDigest(h);
      expect(attempt()).toBe(code);
      expect(stateDigest(h)).toBe(before);
    });
  }
});

describe('what the rules allow', () => {
  it('a read-only mapping of a page table, and a second writable mapping of a data page', () => {
    expect(mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, L1), false)], [slot(h.a, L1, 2), leafPte(mfn(h.a, DATA))]])).toEqual({ rc: 0, done: 2 });
    expect(h.hv.frames.typeCountOf(mfn(h.a, DATA))).toBe(2);
    expect(h.hv.frames.countOf(mfn(h.a, L1))).toBe(2); // L2's reference and the read-only mapping
  });
  it('mmu_update stops at the first failing request and says how many went through', () => {
    const r = mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, DATA2))], [slot(h.a, L1, 2), leafPte(mfn(h.b, DATA))], [slot(h.a, L1, 3), leafPte(mfn(h.a, DATA2))]]);
    expect(r).toEqual({ rc: E('EBUSY'), done: 1 });
    expect(h.m.read64(slot(h.a, L1, 1))).toBe(leafPte(mfn(h.a, DATA2)));
    expect(h.m.read64(slot(h.a, L1, 3))).toBe(0n);
  });
  it('a frame changes type once its last reference goes: unmapped, a data page can become a table; a table unlinked, data again', () => {
    expect(mmuUpdate([[slot(h.a, L1, 0), 0n]]).rc).toBe(0); // DATA no longer mapped
    expect(h.hv.frames.typeCountOf(mfn(h.a, DATA))).toBe(0);
    expect(mmuext(MMUEXT.PIN_L1_TABLE, mfn(h.a, DATA))).toBe(0);
    expect(h.hv.frames.typeOf(mfn(h.a, DATA))).toBe(PageType.L1);
    expect(mmuUpdate([[slot(h.a, L1, 5), leafPte(mfn(h.a, DATA))]]).rc).toBe(E('EBUSY')); // pinned: never writable
    expect(mmuext(MMUEXT.UNPIN_TABLE, mfn(h.a, DATA))).toBe(0);
    expect(mmuUpdate([[slot(h.a, L1, 5), leafPte(mfn(h.a, DATA))]]).rc).toBe(0);
  });
  it('unlinking a table releases the references its entries held', () => {
    expect(mmuUpdate([[slot(h.a, L2, 0), 0n]]).rc).toBe(0);
    expect(h.hv.frames.typeCountOf(mfn(h.a, L1))).toBe(0);
    expect([h.hv.frames.countOf(mfn(h.a, DATA)), h.hv.frames.typeCountOf(mfn(h.a, DATA))]).toEqual([0, 0]);
  });
  it('a new base pointer takes an L3 reference and gives the old one back', () => {
    expect(mmuext(MMUEXT.NEW_BASEPTR, mfn(h.a, ROOT), 5n)).toBe(0);
    // The guest's ASID 5 stands for a host ASID of the host-wide allocator, which no other VM holds.
    const tag = h.da.hostAsid(h.host, 5);
    expect(tag).toBeGreaterThan(0);
    expect(h.da.satp).toBe((8n << 60n) | (BigInt(tag) << 44n) | mfn(h.a, ROOT));
    expect(h.hv.frames.typeCountOf(mfn(h.a, ROOT))).toBe(2); // pinned + in use
    expect(mmuext(MMUEXT.UNPIN_TABLE, mfn(h.a, ROOT))).toBe(0);
    expect(mmuUpdate([[slot(h.a, L1, 1), leafPte(mfn(h.a, ROOT))]]).rc).toBe(E('EBUSY')); // still the base: still a table
    expect(mmuext(MMUEXT.NEW_BASEPTR, mfn(h.a, ROOT), 1n << 16n)).toBe(E('EINVAL')); // an ASID past 16 bits
  });
});

describe('multicall', () => {
  it('a failing entry in the middle: the others run, each result is its own', () => {
    const batch = new MmuBatch(h.hv, 1)
      .update(slot(h.a, L1, 1), leafPte(mfn(h.a, DATA2)))
      .extended(MMUEXT.PIN_L1_TABLE, mfn(h.b, DATA)) // the victim's frame: refused
      .update(slot(h.a, L1, 2), leafPte(mfn(h.a, DATA2), false));
    const results = batch.flush();
    expect(results.map((r) => [r.op, r.result, r.done])).toEqual([
      ['mmu_update', 0, 1], ['mmuext_op', E('EINVAL'), 0], ['mmu_update', 0, 1],
    ]);
    expect(h.m.read64(slot(h.a, L1, 2))).toBe(leafPte(mfn(h.a, DATA2), false));
    expect(h.hv.frames.isPinned(mfn(h.b, DATA))).toBe(false);
    expect(batch.hypercalls).toBe(1);
  });
  it('a guest\'s multicall: results written back per entry; nesting and unknown ops refused; a bad list faults', () => {
    const list = new Fields(new Uint8Array(3 * 64));
    list.setU64(0, BigInt(HYPERCALL.multicall)).setU64(16, 0n).setU64(24, 0n);     // nested multicall
    list.setU64(64, 9999n);                                                          // no such hypercall
    list.setU64(128, BigInt(HYPERCALL.xen_version));                                 // fine
    const { caller, buffer } = asDomain(h.hv, h.da, list.bytes);
    expect(h.hv.hypercall(caller, HYPERCALL.multicall, [buffer.base, 3n, 0n, 0n, 0n, 0n])).toBe(0);
    const out = new Fields(buffer.bytes);
    expect([out.u64(8), out.u64(72), out.u64(136)].map((v) => Number(BigInt.asIntN(64, v)))).toEqual([E('EINVAL'), E('ENOSYS'), (4 << 16) | 17]);
    expect(h.hv.hypercall(caller, HYPERCALL.multicall, [0x7000_0000n, 1n, 0n, 0n, 0n, 0n])).toBe(E('EFAULT'));
    expect(h.hv.hypercall(caller, HYPERCALL.multicall, [buffer.base, 100_000n, 0n, 0n, 0n, 0n])).toBe(E('EINVAL'));
  });
});
