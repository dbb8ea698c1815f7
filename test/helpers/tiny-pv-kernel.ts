/**
 * A tiny PV kernel for the pv strategy's tests: it registers its trap handler, makes one attempt
 * (`body`), and powers off with poweroff (0) when the attempt was refused as expected, crash (1)
 * when it was not. Its data page holds parameters the test patches in after the build: P0..P7 at
 * `params`, the trap cause the attempt must end in at `params` + 64, a scratch area for hypercall
 * arguments at `scratch`.
 *
 * Layout (what the domain builder wants): text at 0x8020_0000, rodata (the trap table) from
 * 0x8020_1000, data from 0x8020_2000, __kernel_end at 0x8020_3000.
 */
import * as A from './asm.js';
import { buildElf } from './elf-writer.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';

export const ENTRY = 0x8020_0000n, PARAMS = 0x8020_2000n, WANT_CAUSE = PARAMS + 64n, SCRATCH = PARAMS + 0x100n;
const HC = { set_trap_table: 0, sched_op: 29 };

const param = (p: A.Program, rd: A.Reg, i: number) => p.li(rd, PARAMS + BigInt(8 * i)).i(A.ld(rd, 0, rd));
const shutdown = (p: A.Program, label: string) => p.li(A.a7, HC.sched_op).li(A.a0, 2).la(A.a1, label).i(A.ecall());

/** A hypercall: a7 = P0, a0..a3 = P1..P4; refused as expected when a0 comes back as P5 (and, if P6 is not 0, the i16 at scratch + P7 is P6). */
export function hypercallAttempt(p: A.Program): void {
  param(p, A.a7, 0); param(p, A.a0, 1); param(p, A.a1, 2); param(p, A.a2, 3); param(p, A.a3, 4);
  p.i(A.ecall());
  param(p, A.t1, 5);
  p.b((o) => A.bne(A.a0, A.t1, o), 'fail');
  param(p, A.t1, 6);
  p.b((o) => A.beq(A.t1, A.zero, o), 'pass');
  param(p, A.t2, 7);
  p.li(A.t0, SCRATCH).i(A.add(A.t0, A.t0, A.t2), A.lh(A.t0, 0, A.t0));
  p.b((o) => A.beq(A.t0, A.t1, o), 'pass');
}
/** A store of 0 to the kernel address P0 (expected to trap). */
export function storeAttempt(p: A.Program): void { param(p, A.t0, 0); p.i(A.sd(A.zero, 0, A.t0)); }
/** csrw satp, P0 (expected to trap: mstatus.TVM). */
export function satpAttempt(p: A.Program): void { param(p, A.t0, 0); p.i(A.csrw(0x180, A.t0)); }
/** sfence.vma (expected to trap: mstatus.TVM). */
export function sfenceAttempt(p: A.Program): void { p.i(0x12000073); }

export function tinyPvKernel(body: (p: A.Program) => void, ramBytes: number): LoadedImage {
  const p = new A.Program(ENTRY);
  p.la(A.a0, 'traps').li(A.a7, HC.set_trap_table).i(A.ecall());
  p.b((o) => A.bne(A.a0, A.zero, o), 'fail');
  body(p);
  p.label('fail');
  shutdown(p, 'crashed');
  p.label('pass');
  shutdown(p, 'poweroff');
  p.align(4).label('handler');
  p.i(A.csrr(A.t0, 0x142)).li(A.t1, WANT_CAUSE).i(A.ld(A.t1, 0, A.t1));
  p.b((o) => A.beq(A.t0, A.t1, o), 'pass');
  p.b((o) => A.jal(A.zero, o), 'fail');
  p.org(0x1000).label('traps');
  p.d64(0n).at((_pc, L) => [Number(L('handler') & 0xffff_ffffn), Number(L('handler') >> 32n)], 8).d64(0n, 0n);
  p.org(0x2000).label('params').data(new Uint8Array(0x100)).label('scratch').data(new Uint8Array(0x100));
  p.label('poweroff').d64(0n).label('crashed').d64(3n);
  p.org(0x3000);
  const bytes = p.bytes();
  const { bytes: elf } = buildElf({
    entry: ENTRY, segments: [{ paddr: ENTRY, data: bytes }],
    symbols: { kernel_entry: ENTRY, __text_end: ENTRY + 0x1000n, __rodata_end: ENTRY + 0x2000n, __kernel_end: ENTRY + 0x3000n },
  });
  return parseImage(elf, { base: GUEST_RAM_BASE, size: BigInt(ramBytes) });
}
