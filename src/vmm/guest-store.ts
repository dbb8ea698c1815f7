/**
 * A guest store, AMO or SC that faulted on a write-protected page-table page, performed by the VMM
 * as the hart would have performed it: from the instruction's own operands (not the fault address,
 * which for a misaligned store is only the part that faulted), split at the page boundary, every
 * part translated through the guest's table with the permissions and A/D rules of a write, and
 * nothing written unless every part may be. A part that cannot be written gives the guest the
 * fault the hart would (a page fault, or an access fault past its RAM, with the faulting part's
 * address). The parts on page-table pages go through the shadow's emulation, the rest straight to
 * guest memory. An SC succeeds only if the guest's reservation still covers its address.
 */
import type { Machine } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { decodeStore, decodeAmo, amoResult } from './decode.js';
import { walkGuest, WRITE, type GuestContext } from './guest-walk.js';
import type { ShadowPaging } from './shadow-paging.js';
import { CAUSE } from './csr.js';
import { RESUME, insnLength, type ExitAction } from './strategy.js';
import type { Vm } from './vm.js';

/** Delivers an exception to the guest (its strategy's way: a reflection, or an injection into VS). */
export type InjectFault = (cause: number, tval: bigint) => ExitAction;

interface Part { va: bigint; gpa: bigint; bytes: Uint8Array }

const SC = 0x03;
const le = (v: bigint, size: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};
const fromLe = (b: Uint8Array): bigint => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);

/**
 * `faulted` is the translation the shadow's fault handling already walked (the page of exit.tval);
 * the part of the write on that page is not walked again.
 */
export function emulateGuestStore(m: Machine, vm: Vm, shadow: ShadowPaging, exit: ExitRecord, ctx: GuestContext, inject: InjectFault, faulted: { va: bigint; gpa: bigint }): ExitAction {
  const bits = (exit.insn & 3) === 3 ? exit.insn : m.expandCompressed(exit.insn);
  const store = decodeStore(bits), amo = decodeAmo(bits);
  if (!store && !amo) return { kind: 'crash', why: `a write to a guest page table the VMM cannot emulate at pc 0x${exit.pc.toString(16)} (0x${exit.insn.toString(16)})` };
  vm.stats.exit('pt-write');
  vm.stats.emulated++;
  const size = store?.size ?? amo!.size;
  const addr = BigInt.asUintN(64, m.getReg(store?.rs1 ?? amo!.rs1) + (store?.imm ?? 0n));
  if (amo && addr % BigInt(size) !== 0n) return inject(CAUSE.misalignedStore, addr);
  let value: bigint, rd: bigint | undefined;
  if (store) value = BigInt.asUintN(size * 8, m.getReg(store.rs2));
  else {
    const a = amo!;
    const target = translate(vm, ctx, addr, size, faulted);
    if ('cause' in target) return inject(target.cause, target.tval);
    const old = fromLe(vm.p2m.read(target[0].gpa, size));
    if (a.funct5 === SC) {
      const ok = m.reservation === vm.p2m.hpa(target[0].gpa);
      m.clearReservation();
      if (a.rd !== 0) m.setReg(a.rd, ok ? 0n : 1n);
      if (!ok) { m.pc = exit.pc + insnLength(exit.insn); return RESUME; }
    } else rd = size === 4 ? BigInt.asUintN(64, BigInt.asIntN(32, old)) : old;
    value = amoResult(a.funct5, size, old, m.getReg(a.rs2));
  }
  const parts = translate(vm, ctx, addr, size, faulted);
  if ('cause' in parts) return inject(parts.cause, parts.tval);
  const bytes = le(value, size);
  let done = 0;
  for (const p of parts) {
    p.bytes = bytes.subarray(done, done + p.bytes.length);
    done += p.bytes.length;
    if (shadow.isPageTable(p.gpa)) shadow.emulatePtWrite(p.gpa, p.bytes);
    else vm.p2m.write(p.gpa, p.bytes);
  }
  if (amo && rd !== undefined && amo.rd !== 0) m.setReg(amo.rd, rd);
  m.pc = exit.pc + insnLength(exit.insn);
  return RESUME;
}

/** The guest-physical parts of a write of `size` bytes at guest-virtual `addr`, or the fault of the first part that may not be written. */
function translate(vm: Vm, ctx: GuestContext, addr: bigint, size: number, faulted: { va: bigint; gpa: bigint }): Part[] | { cause: number; tval: bigint } {
  const parts: Part[] = [];
  for (let va = addr, left = size; left > 0;) {
    const n = Math.min(left, Number(0x1000n - (va & 0xfffn)));
    const gpa = va >> 12n === faulted.va >> 12n ? (faulted.gpa & ~0xfffn) | (va & 0xfffn) : walkForWrite(vm, ctx, va);
    if (typeof gpa !== 'bigint') return gpa;
    parts.push({ va, gpa, bytes: new Uint8Array(n) });
    va = BigInt.asUintN(64, va + BigInt(n));
    left -= n;
  }
  return parts;
}

/** The guest-physical address a guest write at va goes to, or the fault the hart would raise. */
function walkForWrite(vm: Vm, ctx: GuestContext, va: bigint): bigint | { cause: number; tval: bigint } {
  const refs = { n: 0 };
  const w = walkGuest(vm.p2m, ctx, va, WRITE, refs);
  vm.stats.guestWalkRefs += refs.n;
  if (!w.ok) return { cause: w.cause, tval: va };
  if (vm.p2m.hpa(w.gpa) === undefined) return { cause: CAUSE.storeAccess, tval: va };
  return w.gpa;
}
