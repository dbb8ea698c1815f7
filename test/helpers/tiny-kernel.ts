/**
 * Tiny guest kernels for VMM tests: S-mode code at minios's kernel_entry (0x8020_0000) that a VMM
 * boots directly, reports through SBI system reset (reason 0 = success, 1 = failure), and has a
 * page-aligned, zeroed `table` page for a page table.
 */
import * as A from './asm.js';
import { buildElf } from './elf-writer.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';

export const ENTRY = 0x8020_0000n;
const SRST = 0x5352_5354;
export const SATP_SV39 = 8n << 60n;
/** A leaf PTE for physical address pa: V R W X A D. */
export const leaf = (pa: bigint) => ((pa >> 12n) << 10n) | 0xcfn;

/** SBI system reset with `reason` (0: success, 1: failure). */
export const shutdown = (p: A.Program, reason: number) => p.li(A.a7, SRST).li(A.a6, 0).li(A.a0, 0).li(A.a1, reason).i(A.ecall());

/** Puts `table` in use as an Sv39 root whose entry 2 maps the kernel's own gigabyte to itself (t0, t1 clobbered). */
export function pagingOn(p: A.Program): A.Program {
  p.la(A.t0, 'table').li(A.t1, leaf(0x8000_0000n)).i(A.sd(A.t1, 16, A.t0));
  return p.i(A.srli(A.t0, A.t0, 12)).li(A.t1, SATP_SV39).i(A.or(A.t0, A.t0, A.t1), A.csrw(0x180, A.t0), A.sfence_vma());
}

/**
 * A kernel that runs `body` (which falls through on success, or jumps to `fail`); a trap lands in
 * `handler`, which reports failure unless `trapIsSuccess`.
 */
export function tinyKernel(body: (p: A.Program) => void, ramBytes: number, trapIsSuccess = false): LoadedImage {
  const p = new A.Program(ENTRY);
  p.la(A.t0, 'handler').i(A.csrw(0x105, A.t0));
  body(p);
  shutdown(p, trapIsSuccess ? 1 : 0);
  p.align(4).label('fail');
  shutdown(p, 1);
  p.align(4).label('handler');
  shutdown(p, trapIsSuccess ? 0 : 1);
  p.align(4096).label('table').data(new Uint8Array(4096));
  p.label('data').data(new Uint8Array(8192));
  const { bytes } = buildElf({ entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }], symbols: { kernel_entry: ENTRY } });
  return parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(ramBytes) });
}
