/**
 * Tiny guest kernels for the binary-translation tests: S-mode code at minios's kernel_entry that
 * stores what it observed in its `data` page and powers off through SBI (reason 0: it reached the
 * end; a trap into `handler` stores scause/sepc/stval at data + 0x400 and powers off with 1,
 * unless `trapIsEnd`), run under `bt` on a small host.
 */
import * as A from './asm.js';
import { buildElf } from './elf-writer.js';
import { shutdown, ENTRY } from './tiny-kernel.js';
import { Machine, type HartProfile } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE, type VmOutcome } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { BinaryTranslation, type BtOptions } from '../../src/bt/bt.js';

export const RAM = 4 << 20;
export const TRAP_RECORD = 0x400;

export interface Kernel { image: LoadedImage; addr: (label: string) => bigint }

/** A kernel whose body `body` writes results with `p.la(t0, 'data')` and friends; traps land in `handler`. */
export function btKernel(body: (p: A.Program) => void, o: { trapIsEnd?: boolean; tail?: (p: A.Program) => void } = {}): Kernel {
  const p = new A.Program(ENTRY);
  p.la(A.t0, 'handler').i(A.csrw(0x105, A.t0));
  body(p);
  shutdown(p, 0);
  p.align(4).label('handler');
  p.la(A.t0, 'data').i(A.csrr(A.t1, 0x142), A.sd(A.t1, TRAP_RECORD, A.t0), A.csrr(A.t1, 0x141), A.sd(A.t1, TRAP_RECORD + 8, A.t0));
  p.i(A.csrr(A.t1, 0x143), A.sd(A.t1, TRAP_RECORD + 16, A.t0));
  shutdown(p, o.trapIsEnd ? 0 : 1);
  o.tail?.(p);
  p.align(4096).label('data').data(new Uint8Array(4096));
  p.label('table').data(new Uint8Array(4096 * 4));
  const { bytes } = buildElf({ entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }], symbols: { kernel_entry: ENTRY } });
  return { image: parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(RAM) }), addr: (l) => p.addr(l) };
}

export interface BtRun { out: VmOutcome; vm: Vm; bt: BinaryTranslation; machine: Machine; read64: (gpa: bigint) => bigint }

export async function runBt(k: Kernel, o: { bt?: BtOptions; profile?: HartProfile; maxInstructions?: number } = {}): Promise<BtRun> {
  const machine = await Machine.create({ ramBytes: (8 << 20) + RAM });
  if (o.profile) machine.configure({ profile: o.profile });
  const host = new HostMemory(machine, 8 << 20);
  const vm = new Vm(1, host, RAM);
  const bt = new BinaryTranslation({ machine, host }, o.bt);
  bt.boot(vm, k.image);
  const out = runVm(machine, vm, bt, { maxInstructions: o.maxInstructions ?? 1_000_000 });
  return { out, vm, bt, machine, read64: (gpa) => vm.p2m.read64(gpa) };
}
