/**
 * Guest memory accesses the VMM performs for the guest kernel: loads, stores and AMOs at an
 * address it could not let the hart touch (the reserved region, the vCPU page's x0-relative
 * window) or chose not to (a store site turned into a callout). The address is translated by
 * the guest's own page table with the guest's permission checks; a fault is the guest's.
 * Stores go through `store`, which keeps shadows and translations coherent.
 */
import type { Machine } from '../../bindings/machine.js';
import type { P2m } from '../vmm/p2m.js';
import { walkGuest, READ, WRITE, type GuestContext } from '../vmm/guest-walk.js';
import { amoResult } from '../vmm/decode.js';
import type { GuestInsn } from './decode.js';

export type AccessResult = { ok: true } | { ok: false; cause: number; tval: bigint };
/** Performs a guest store of `size` bytes at gpa (returns nothing the caller needs). */
export type GuestStore = (gpa: bigint, size: number, value: bigint) => void;

const LOAD_SIZE = [1, 2, 4, 8, 1, 2, 4], LOAD_SIGNED = [true, true, true, false, false, false, false];

/** The guest-physical address of an access, by the guest's table, or its fault (a fault in the second page of a straddling access is that page's). */
function translateGuest(p2m: P2m, ctx: GuestContext, va: bigint, size: number, type: typeof READ | typeof WRITE, refs: { n: number }): { gpas: bigint[] } | { cause: number; tval: bigint } {
  const gpas: bigint[] = [];
  for (let i = 0; i < size; i++) {
    const a = va + BigInt(i);
    if (i > 0 && (a & 0xfffn) !== 0n) { gpas.push(gpas[i - 1] + 1n); continue; }
    const w = walkGuest(p2m, ctx, a, type, refs);
    if (!w.ok) return { cause: w.cause, tval: i === 0 ? va : a };
    if (p2m.hpa(w.gpa) === undefined) return { cause: type === WRITE ? 7 : 5, tval: i === 0 ? va : a };
    gpas.push(w.gpa);
  }
  return { gpas };
}

/**
 * Carries out load, store, AMO, LR or SC `insn` at guest-virtual `va` as the guest kernel (`ctx`)
 * would, with registers through `reg`/`setReg`; `refs` counts the guest PTEs read.
 */
export function performAccess(m: Machine, p2m: P2m, ctx: GuestContext, insn: GuestInsn, va: bigint, store: GuestStore, refs: { n: number }): AccessResult {
  const name = insn.name ?? '';
  const isLoad = insn.format === 'L' && name.startsWith('l');
  const isStore = insn.format === 'S';
  const amo = insn.format === 'AMO' || name.startsWith('lr.');
  const size = isLoad ? LOAD_SIZE[insn.funct3] : isStore ? 1 << insn.funct3 : insn.funct3 === 2 ? 4 : 8;
  if (amo && (va & BigInt(size - 1)) !== 0n) return { ok: false, cause: name.startsWith('lr.') ? 4 : 6, tval: va }; // misaligned AMOs trap
  const t = translateGuest(p2m, ctx, va, size, isLoad || name.startsWith('lr.') ? READ : WRITE, refs);
  if ('cause' in t) return { ok: false, ...t };
  const readOld = (): bigint => t.gpas.reduceRight((v, gpa) => (v << 8n) | BigInt(p2m.read(gpa, 1)[0]), 0n);
  const write = (v: bigint) => {
    if (t.gpas[size - 1] - t.gpas[0] === BigInt(size - 1)) store(t.gpas[0], size, BigInt.asUintN(size * 8, v));
    else t.gpas.forEach((gpa, i) => store(gpa, 1, (v >> BigInt(8 * i)) & 0xffn));
  };
  const signed = (v: bigint, bytes: number) => BigInt.asUintN(64, BigInt.asIntN(bytes * 8, v));
  if (isLoad) {
    const v = readOld();
    if (insn.rd !== 0) m.setReg(insn.rd, LOAD_SIGNED[insn.funct3] ? signed(v, size) : v);
  } else if (isStore) {
    write(m.getReg(insn.rs2));
  } else if (name.startsWith('lr.')) {
    // The VMM cannot make the hart's reservation: a later SC fails, as the spec lets it.
    m.clearReservation();
    if (insn.rd !== 0) m.setReg(insn.rd, signed(readOld(), size));
  } else if (name.startsWith('sc.')) {
    const ok = m.reservation !== undefined && m.reservation === p2m.hpa(t.gpas[0]);
    m.clearReservation();
    if (ok) write(m.getReg(insn.rs2));
    if (insn.rd !== 0) m.setReg(insn.rd, ok ? 0n : 1n);
  } else {
    const old = readOld();
    write(amoResult(insn.bits >>> 27, size, old, m.getReg(insn.rs2)));
    if (insn.rd !== 0) m.setReg(insn.rd, signed(old, size));
  }
  return { ok: true };
}
