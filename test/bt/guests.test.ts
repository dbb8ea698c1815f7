// Guest kernels under bt: traps in translated code reach the guest with guest pcs and the right
// trap values, interrupts arrive at instruction boundaries, self-modifying kernel code is
// retranslated, the VMM's reserved region is handled as docs/BT.md says, and the adaptive
// thresholds can be overridden.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as A from '../helpers/asm.js';
import { btKernel, runBt, TRAP_RECORD, type Kernel } from '../helpers/bt-guest.js';
import { pagingOn } from '../helpers/tiny-kernel.js';
import { Machine } from '../../bindings/machine.js';
import { parseImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { BinaryTranslation } from '../../src/bt/bt.js';
import { RESERVED_BASE, VCPU_VA, IJC_VA } from '../../src/bt/layout.js';

const trapRecord = (r: Awaited<ReturnType<typeof runBt>>, k: Kernel) =>
  [0n, 8n, 16n].map((o) => r.read64(k.addr('data') + BigInt(TRAP_RECORD) + o));

describe('traps in translated code reach the guest with guest pcs', () => {
  const cases: [string, (p: A.Program) => void, (k: Kernel) => bigint[]][] = [
    ['a load page fault', (p) => { pagingOn(p); p.li(A.t1, 0x1234).label('at').i(A.ld(A.t2, 0, A.t1)); }, (k) => [13n, k.addr('at'), 0x1234n]],
    ['a compressed store page fault after a call', (p) => {
      pagingOn(p);
      p.b((o) => A.jal(A.ra, o), 'f').li(A.s1, 0x4000_0008n).label('at').c(A.c_sd(A.s1, 0, A.s1));
    }, (k) => [15n, k.addr('at'), 0x4000_0008n]],
    ['a misaligned AMO', (p) => { p.la(A.t1, 'data').i(A.addi(A.t1, A.t1, 4)).label('at').i(A.amoadd_d(A.t2, A.t2, A.t1)); }, (k) => [6n, k.addr('at'), k.addr('data') + 4n]],
    ['an ebreak: its trap value is its guest pc', (p) => { p.i(A.addi(A.a0, 0, 1)).label('at').i(A.ebreak()); }, (k) => [3n, k.addr('at'), k.addr('at')]],
    ['an illegal instruction mid-block: its bits', (p) => { p.i(A.addi(A.a0, 0, 1), A.addi(A.a0, 0, 2)).label('at').i(0xffff_ffff); }, (k) => [2n, k.addr('at'), 0xffff_ffffn]],
    ['an instruction fetch page fault at the target of a jump', (p) => { pagingOn(p); p.li(A.t1, 0x5000).label('at').i(A.jalr(A.ra, A.t1, 0)); }, () => [12n, 0x5000n, 0x5000n]],
  ];
  for (const [what, body, expected] of cases) {
    it(what, async () => {
      const k = btKernel(body, { trapIsEnd: true, tail: (p) => { p.label('f').i(A.jalr(0, A.ra, 0)); } });
      const r = await runBt(k);
      expect(r.out).toEqual({ kind: 'halt', code: 0 });
      expect(trapRecord(r, k)).toEqual(expected(k));
    });
  }

  it('a timer interrupt taken in the kernel arrives at a guest instruction boundary of the loop', async () => {
    const k = btKernel((p) => {
      p.li(A.a7, 0x5449_4d45).li(A.a6, 0).i(A.csrr(A.a0, 0xc01), A.addi(A.a0, A.a0, 500), A.ecall()); // SBI set_timer(now + 500)
      p.li(A.t0, 0x20).i(A.csrs(0x104, A.t0), A.csrsi(0x100, 2)); // sie.STIE, sstatus.SIE
      p.label('loop').i(A.csrr(A.t2, 0x140), A.addi(A.t3, A.t3, 1), A.csrw(0x140, A.t3)).b((o) => A.jal(0, o), 'loop');
    }, { trapIsEnd: true });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    const [cause, sepc] = trapRecord(r, k);
    expect(cause).toBe((1n << 63n) | 5n);
    expect([0n, 4n, 8n, 12n].map((o) => k.addr('loop') + o)).toContain(sepc);
  });
});

describe('self-modifying kernel code is retranslated', () => {
  it('a function rewritten between two calls, and the instruction right after a store rewritten by it', async () => {
    const k = btKernel((p) => {
      p.la(A.s1, 'f').i(A.jalr(A.ra, A.s1, 0), A.addi(A.s2, A.a0, 0));
      p.li(A.t2, A.addi(A.a0, 0, 2)).i(A.sw(A.t2, 0, A.s1), A.fence_i(), A.jalr(A.ra, A.s1, 0), A.addi(A.s3, A.a0, 0));
      p.la(A.s4, 'next').li(A.t2, A.addi(A.a0, 0, 9)).i(A.sw(A.t2, 0, A.s4), A.fence_i()).label('next').i(A.addi(A.a0, 0, 3));
      p.la(A.t0, 'data').i(A.sd(A.s2, 0, A.t0), A.sd(A.s3, 8, A.t0), A.sd(A.a0, 16, A.t0));
    }, { tail: (p) => { p.label('f').i(A.addi(A.a0, 0, 1), A.jalr(0, A.ra, 0)); } });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    expect([0n, 8n, 16n].map((o) => r.read64(k.addr('data') + o))).toEqual([1n, 2n, 9n]);
    expect(r.bt.statsOf(r.vm).invalidations).toBeGreaterThanOrEqual(2);
    expect(r.vm.stats.exits.get('code-write')).toBe(2);
  });
});

/** Maps `va` (in the top gigabyte) to the data page through table + 4 KiB (level 1) and table + 8 KiB (level 0), then fences. */
function mapTop(p: A.Program, va: bigint): void {
  pagingOn(p);
  const vpn1 = BigInt((va >> 21n) & 0x1ffn), vpn0 = BigInt((va >> 12n) & 0x1ffn);
  const pointer = (rd: number, rs: number) => p.i(A.srli(rd, rs, 12), A.slli(rd, rd, 10), A.ori(rd, rd, 1));
  p.la(A.s8, 'table').li(A.t0, 0x1000).i(A.add(A.s9, A.s8, A.t0), A.add(A.s10, A.s9, A.t0)); // root, level 1, level 0
  pointer(A.t2, A.s9);
  p.li(A.t3, 511n * 8n).i(A.add(A.t3, A.t3, A.s8), A.sd(A.t2, 0, A.t3));
  pointer(A.t2, A.s10);
  p.li(A.t3, vpn1 * 8n).i(A.add(A.t3, A.t3, A.s9), A.sd(A.t2, 0, A.t3));
  p.la(A.t2, 'data').i(A.srli(A.t2, A.t2, 12), A.slli(A.t2, A.t2, 10), A.ori(A.t2, A.t2, 0xc7));
  p.li(A.t3, vpn0 * 8n).i(A.add(A.t3, A.t3, A.s10), A.sd(A.t2, 0, A.t3), A.sfence_vma());
}

describe('the VMM\'s reserved region (docs/BT.md)', () => {
  it('a guest kernel that maps a page at the bottom of the reserved 2 MiB gets its own memory there: the VMM performs those accesses', async () => {
    const k = btKernel((p) => {
      mapTop(p, RESERVED_BASE);
      p.li(A.s1, RESERVED_BASE).li(A.t2, 0x1234_5678n).i(A.sd(A.t2, 0x100, A.s1), A.ld(A.s2, 0x100, A.s1), A.amoadd_d(A.s3, A.t2, A.s1));
      p.la(A.t0, 'data').i(A.sd(A.s2, 8, A.t0), A.sd(A.s3, 16, A.t0));
    });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    const d = k.addr('data');
    // the store at +0x100 and the load back; the AMO added to the word at +0, which held 0
    expect([r.read64(d + 0x100n), r.read64(d + 8n), r.read64(d), r.read64(d + 16n)]).toEqual([0x1234_5678n, 0x1234_5678n, 0x1234_5678n, 0n]);
    expect(r.bt.statsOf(r.vm).reservedAccesses).toBe(3);
  });

  for (const [what, va] of [['the vCPU page', VCPU_VA], ['the indirect-jump cache', IJC_VA]] as const) {
    it(`a guest kernel that maps the address of ${what} is stopped with the reason`, async () => {
      const r = await runBt(btKernel((p) => mapTop(p, va)));
      expect(r.out.kind).toBe('crash');
      expect((r.out as { why: string }).why).toContain(`maps 0x${va.toString(16)}, a page binary translation reserves for its virtual CPU`);
    });
  }
});

describe('adaptive binary translation', () => {
  const minios = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 64n << 20n });
  async function fork(adaptAfter?: number) {
    const m = await Machine.create({ ramBytes: (96 << 20) });
    const host = new HostMemory(m, 32 << 20);
    const vm = new Vm(1, host, 64 << 20);
    const bt = new BinaryTranslation({ machine: m, host }, adaptAfter ? { adaptive: { adaptAfter } } : {});
    bt.boot(vm, minios);
    vm.p2m.write(minios.symbols.get('minios_bootargs')!, new TextEncoder().encode('fork=20 tick=100000\0'));
    expect(runVm(m, vm, bt)).toEqual({ kind: 'halt', code: 0 });
    return { vm, st: bt.statsOf(vm) };
  }
  it('store sites that keep writing page tables become callouts; with the threshold out of reach none does', async () => {
    const adaptive = await fork();
    const never = await fork(1 << 30);
    expect(never.st.retranslations).toBe(0);
    expect(never.st.callouts.get('pt-store')).toBeUndefined();
    expect(adaptive.st.retranslations).toBeGreaterThan(0);
    expect(adaptive.st.callouts.get('pt-store')).toBeGreaterThan(0);
    expect(adaptive.vm.stats.exits.get('pt-write')!).toBeLessThan(never.vm.stats.exits.get('pt-write')! / 4);
    expect(adaptive.vm.console).toBe(never.vm.console);
  }, 30_000);
});

describe('the counters', () => {
  it('in-TC emulations, counted on request, exactly: five instructions each, and nothing else changes', async () => {
    const k = btKernel((p) => {
      p.li(A.t3, 0).li(A.t4, 100).label('loop').i(A.csrr(A.t2, 0x140), A.addi(A.t3, A.t3, 1), A.csrw(0x140, A.t3)).b((o) => A.bne(A.t3, A.t4, o), 'loop');
      p.la(A.t0, 'data').i(A.csrr(A.t1, 0x140), A.sd(A.t1, 0, A.t0));
    });
    const plain = await runBt(k);
    const counted = await runBt(k, { bt: { countEmulations: true } });
    expect([plain.out, counted.out]).toEqual([{ kind: 'halt', code: 0 }, { kind: 'halt', code: 0 }]);
    expect(counted.read64(k.addr('data'))).toBe(100n);
    const executed = Object.fromEntries(counted.bt.details(counted.vm))['in-TC emulations executed (counted: 5 instructions each)'];
    expect(executed).toBe(1 + 200 + 1); // csrw stvec, the loop's csrr and csrw, the final csrr
    expect(counted.machine.instructions - plain.machine.instructions).toBe(5n * BigInt(executed));
  });
});
