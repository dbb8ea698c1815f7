// Hostile PV guests under the pv strategy: a tiny PV kernel tries to reach a frame that is not its
// own (mapping a victim's frame, taking one as a page table, mapping MMIO or its own page table
// writable, writing its page table directly, writing satp, flushing the TLB itself, bad pointers and
// lengths, a grant it was never given, the victim's root). Each attempt is refused, with Xen's error
// code or the trap the hardware raises, and no byte of any frame it does not own changes.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { Machine } from '../../bindings/machine.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { PvStrategy } from '../../src/pv/strategy.js';
import type { PvDomain } from '../../src/pv/domain.js';
import { Fields } from '../../src/pv/guest-access.js';
import { ERRNO, HYPERCALL, MMUEXT, GNTTABOP, GNTCOPY, GNTST, DOMID_SELF } from '../../src/pv/abi.js';
import { tinyPvKernel, hypercallAttempt, storeAttempt, satpAttempt, sfenceAttempt, PARAMS, WANT_CAUSE, SCRATCH } from '../helpers/tiny-pv-kernel.js';
import type * as A from '../helpers/asm.js';

const RAM = 4 << 20, VMM = 8 << 20;
const E = (n: keyof typeof ERRNO) => BigInt.asUintN(64, BigInt(-ERRNO[n]));
const leaf = (mfn: bigint, w = true) => (mfn << 10n) | (w ? 0xc7n : 0xc3n) | 0x20n;

interface World { attacker: PvDomain; victim: PvDomain; l1: bigint; l2: bigint; root: bigint; victimFrame: bigint }

interface Attempt {
  body: (p: A.Program) => void;
  /** P0..P7 and the scratch bytes, from the world; and the trap cause expected (for traps). */
  params: (w: World) => { p: bigint[]; scratch?: Uint8Array; cause?: number };
}

const hypercall = (nr: number, args: bigint[], rc: bigint, status?: { at: number; value: number }) =>
  [BigInt(nr), ...args, ...new Array(4 - args.length).fill(0n), rc, BigInt.asUintN(64, BigInt(status?.value ?? 0)), BigInt(status?.at ?? 0)];
const entry = (tableMfn: bigint, i: number) => (tableMfn << 12n) + BigInt(8 * i);
const mmuUpdate = (ptr: bigint, val: bigint) => new Fields(new Uint8Array(16)).setU64(0, ptr).setU64(8, val).bytes;
const mmuext = (cmd: number, arg1: bigint) => new Fields(new Uint8Array(24)).setU32(0, cmd).setU64(8, arg1).bytes;

const ATTEMPTS: Record<string, Attempt> = {
  'maps a victim frame (mmu_update): -EBUSY': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EBUSY')), scratch: mmuUpdate(entry(w.l1, 100), leaf(w.victimFrame)) }),
  },
  'takes a victim frame as a page table: -EINVAL': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EINVAL')), scratch: mmuUpdate(entry(w.l2, 20), (w.victimFrame << 10n) | 1n) }),
  },
  'maps MMIO (the CLINT): -EPERM': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EPERM')), scratch: mmuUpdate(entry(w.l1, 100), leaf(0x2000n)) }),
  },
  'maps its own page table writable: -EBUSY': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EBUSY')), scratch: mmuUpdate(entry(w.l1, 100), leaf(w.l1)) }),
  },
  'writes the victim\'s page table (mmu_update): -EINVAL': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EINVAL')), scratch: mmuUpdate(entry(w.victim.mfnOfPfn(w.victim.layout.tablePfns[2]), 1), leaf(w.l1, false)) }),
  },
  'names the victim as foreigndom: -ESRCH': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n, 0n, BigInt(w.victim.id)], E('ESRCH')), scratch: mmuUpdate(entry(w.l1, 100), 0n) }),
  },
  'writes its own page table directly: a store page fault': {
    body: storeAttempt,
    params: (w) => ({ p: [0x8000_0000n + BigInt(w.attacker.layout.tablePfns[0] * 4096)], cause: 15 }),
  },
  'writes satp (a victim frame as root): an illegal instruction': {
    body: satpAttempt,
    params: (w) => ({ p: [(8n << 60n) | w.victimFrame], cause: 2 }),
  },
  'flushes the TLB itself (sfence.vma): an illegal instruction': { body: sfenceAttempt, params: () => ({ p: [], cause: 2 }) },
  'passes a pointer outside its memory: -EFAULT': {
    body: hypercallAttempt,
    params: () => ({ p: hypercall(HYPERCALL.mmu_update, [0x1000n, 1n, 0n, BigInt(DOMID_SELF)], E('EFAULT')) }),
  },
  'passes a request array running off the end of its memory: -EFAULT': {
    body: hypercallAttempt,
    params: () => ({ p: hypercall(HYPERCALL.mmu_update, [0x803f_f000n, 0x200n, 0n, BigInt(DOMID_SELF)], E('EFAULT')) }),
  },
  'passes a request array longer than the hypervisor copies: -EINVAL': {
    body: hypercallAttempt,
    params: () => ({ p: hypercall(HYPERCALL.mmu_update, [SCRATCH, 1n << 17n, 0n, BigInt(DOMID_SELF)], E('EINVAL')) }),
  },
  'asks for a multicall of 2^40 entries: -EINVAL': {
    body: hypercallAttempt,
    params: () => ({ p: hypercall(HYPERCALL.multicall, [SCRATCH, 1n << 40n], E('EINVAL')) }),
  },
  'unpins the victim\'s root: -EINVAL': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmuext_op, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EINVAL')), scratch: mmuext(MMUEXT.UNPIN_TABLE, w.victim.baseMfn!) }),
  },
  'makes the victim\'s root its own: -EINVAL': {
    body: hypercallAttempt,
    params: (w) => ({ p: hypercall(HYPERCALL.mmuext_op, [SCRATCH, 1n, 0n, BigInt(DOMID_SELF)], E('EINVAL')), scratch: mmuext(MMUEXT.NEW_BASEPTR, w.victim.baseMfn!) }),
  },
  'copies from a grant the victim never gave: GNTST_general_error': {
    body: hypercallAttempt,
    params: (w) => {
      const c = new Fields(new Uint8Array(40)).setU32(0, 8).setU16(8, w.victim.id).setU64(16, w.attacker.mfnOfPfn(w.attacker.layout.firstFreePfn))
        .setU16(24, DOMID_SELF).setU16(32, 64).setU16(34, GNTCOPY.source_gref);
      return { p: hypercall(HYPERCALL.grant_table_op, [BigInt(GNTTABOP.copy), SCRATCH, 1n], 0n, { at: 36, value: GNTST.general_error }), scratch: c.bytes };
    },
  },
  'copies into the victim\'s frame named as its own: GNTST_bad_page': {
    body: hypercallAttempt,
    params: (w) => {
      const c = new Fields(new Uint8Array(40)).setU64(0, w.attacker.mfnOfPfn(w.attacker.layout.firstFreePfn)).setU16(8, DOMID_SELF)
        .setU64(16, w.victimFrame).setU16(24, DOMID_SELF).setU16(32, 64);
      return { p: hypercall(HYPERCALL.grant_table_op, [BigInt(GNTTABOP.copy), SCRATCH, 1n], 0n, { at: 36, value: GNTST.bad_page }), scratch: c.bytes };
    },
  },
};

/** A digest of every host frame `owner` does not own. */
function foreignFrames(m: Machine, host: HostMemory, owner: number): string {
  const h = createHash('sha256');
  for (let a = 0x8000_0000n + BigInt(VMM); a < 0x8000_0000n + BigInt(m.ramBytes); a += 4096n) if (host.ownerOf(a) !== owner) h.update(m.readPhys(a, 4096));
  return h.digest('hex');
}

describe('a hostile PV guest is refused', () => {
  for (const [what, attempt] of Object.entries(ATTEMPTS)) {
    it(what, async () => {
      const m = await Machine.create({ ramBytes: VMM + 2 * RAM });
      const host = new HostMemory(m, VMM);
      const pv = new PvStrategy({ machine: m, host });
      const victimVm = new Vm(2, host, RAM), vm = new Vm(1, host, RAM);
      const image = tinyPvKernel(attempt.body, RAM);
      pv.boot(victimVm, image);
      pv.boot(vm, image);
      const attacker = pv.domain(vm), victim = pv.domain(victimVm);
      victimVm.p2m.write(0x8030_0000n, new Uint8Array(4096).fill(0x5a));
      const [root, l2, l1] = attacker.layout.tablePfns.map((p) => attacker.mfnOfPfn(p));
      const w: World = { attacker, victim, root, l2, l1, victimFrame: victim.mfnOfPfn(0x300) };
      const { p, scratch, cause } = attempt.params(w);
      vm.p2m.write(PARAMS, new Fields(new Uint8Array(64)).bytes.map((_, i) => Number((BigInt.asUintN(64, p[i >> 3] ?? 0n) >> BigInt(8 * (i & 7))) & 0xffn)));
      vm.p2m.write(WANT_CAUSE, new Fields(new Uint8Array(8)).setU64(0, BigInt(cause ?? 99)).bytes);
      if (scratch) vm.p2m.write(SCRATCH, scratch);
      const before = foreignFrames(m, host, 1);
      const out = runVm(m, vm, pv, { maxInstructions: 200_000 });
      expect(out).toEqual({ kind: 'halt', code: 0 });
      expect(foreignFrames(m, host, 1)).toBe(before);
      expect(victimVm.p2m.read(0x8030_0000n, 16)).toEqual(new Uint8Array(16).fill(0x5a));
    });
  }
});
