// Shadow paging kept coherent: a guest that edits a live PTE sees the new mapping at once (the
// write is trapped and the derived shadow entry dropped), and AMOs on a page-table page are
// emulated too (old value to rd, the result in memory).
import { describe, it, expect } from 'vitest';
import { Machine } from '../../bindings/machine.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import * as A from '../helpers/asm.js';
import { tinyKernel, pagingOn, ENTRY } from '../helpers/tiny-kernel.js';

const RAM = 4 << 20, VMM = 8 << 20;
const VA = 0x4000_0000n;

function run(strategy: 'trap-emulate' | 'hw-shadow', body: (p: A.Program) => void) {
  return (async () => {
    const m = await Machine.create({ ramBytes: VMM + RAM });
    const host = new HostMemory(m, VMM);
    const vm = new Vm(1, host, RAM);
    const s = makeStrategy(strategy, { machine: m, host });
    s.boot(vm, tinyKernel(body, RAM));
    return { out: runVm(m, vm, s, { maxInstructions: 1_000_000 }), vm };
  })();
}

/**
 * Maps VA through a three-level table of its own (root[1] -> l1 = data page, l1[0] -> l0 = next data
 * page, l0[0] -> the kernel's first page), checks a read through VA matches, then rewrites l0[0] to
 * point at the root table page and checks VA now reads that.
 */
function remapBody(p: A.Program): void {
  pagingOn(p);
  p.la(A.t0, 'table').la(A.t2, 'data');
  p.i(A.srli(A.t3, A.t2, 12), A.slli(A.t3, A.t3, 10), A.ori(A.t3, A.t3, 1), A.sd(A.t3, 8, A.t0)); // root[1] -> l1 = data
  p.li(A.t4, 0x1000).i(A.add(A.t4, A.t2, A.t4)); // l0 = data + 0x1000
  p.i(A.srli(A.t3, A.t4, 12), A.slli(A.t3, A.t3, 10), A.ori(A.t3, A.t3, 1), A.sd(A.t3, 0, A.t2)); // l1[0] -> l0
  p.li(A.t5, ENTRY).i(A.srli(A.t3, A.t5, 12), A.slli(A.t3, A.t3, 10), A.ori(A.t3, A.t3, 0xc3), A.sd(A.t3, 0, A.t4)); // l0[0] -> ENTRY (R A D)
  p.i(A.sfence_vma());
  p.li(A.t1, VA).i(A.ld(A.a2, 0, A.t1), A.ld(A.a3, 0, A.t5)).b((o) => A.bne(A.a2, A.a3, o), 'fail');
  // remap l0[0] -> the root table page (the fence is what a kernel does; the shadow follows the write itself)
  p.i(A.srli(A.t3, A.t0, 12), A.slli(A.t3, A.t3, 10), A.ori(A.t3, A.t3, 0xc3), A.sd(A.t3, 0, A.t4), A.sfence_vma());
  p.i(A.ld(A.a2, 8, A.t1), A.ld(A.a3, 8, A.t0)).b((o) => A.bne(A.a2, A.a3, o), 'fail');
}

describe('shadow paging', () => {
  for (const s of ['trap-emulate', 'hw-shadow'] as const) {
    it(`${s}: a guest remapping a live page sees the new page, through a trapped and emulated PTE write`, async () => {
      const { out, vm } = await run(s, remapBody);
      expect(out).toEqual({ kind: 'halt', code: 0 });
      expect(vm.stats.ptWrites).toBeGreaterThanOrEqual(1);
      expect(vm.stats.exits.get('pt-write')).toBe(vm.stats.ptWrites);
    });
    it(`${s}: AMOs on a page-table page are emulated`, async () => {
      const { out, vm } = await run(s, (p) => {
        pagingOn(p);
        // entry 0 of the root is invalid: give it bits the hart ignores there, by AMOOR.D then AMOADD.W
        p.la(A.t0, 'table').li(A.t1, 0x100).i(A.amoor_d(A.a2, A.t1, A.t0)).b((o) => A.bne(A.a2, 0, o), 'fail');
        p.li(A.t1, -0x200).i(A.amoadd_w(A.a2, A.t1, A.t0)).li(A.t1, 0x100).b((o) => A.bne(A.a2, A.t1, o), 'fail');
        p.i(A.ld(A.a3, 0, A.t0)).li(A.t1, 0xffff_ff00n).b((o) => A.bne(A.a3, A.t1, o), 'fail');
      });
      expect(out).toEqual({ kind: 'halt', code: 0 });
      expect(vm.stats.exits.get('pt-write')).toBe(2);
    });
  }
});
