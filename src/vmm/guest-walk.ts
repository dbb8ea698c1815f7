/**
 * The VMM's software walk of a guest's own Sv39 page table (guest-virtual -> guest-physical), with
 * the checks the hart would make for the guest: validity, the leaf's R/W/X/U against the access and
 * the guest's privilege, SUM and MXR, superpage alignment, and A/D under Svade (a missing A, or D
 * on a write, is a page fault, exactly as on the native hart). Every PTE read is counted.
 */
import type { P2m } from './p2m.js';

export const READ = 0, WRITE = 1, FETCH = 2;
export type AccessType = typeof READ | typeof WRITE | typeof FETCH;

const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const PPN_MASK = (1n << 44n) - 1n;

export interface GuestWalkOk {
  ok: true;
  gpa: bigint;
  /** The leaf PTE's permission bits (R W X U, with A/D). */
  pte: bigint;
  /** Guest-physical addresses of the PTEs read, root first (for invalidation when one changes). */
  pteAddrs: bigint[];
}
export interface GuestWalkFault { ok: false; cause: number }
export type GuestWalk = GuestWalkOk | GuestWalkFault;

export interface GuestContext { satp: bigint; userMode: boolean; sum: boolean; mxr: boolean }

const pageFault = (type: AccessType): GuestWalkFault => ({ ok: false, cause: type === FETCH ? 12 : type === WRITE ? 15 : 13 });
const accessFault = (type: AccessType): GuestWalkFault => ({ ok: false, cause: type === FETCH ? 1 : type === WRITE ? 7 : 5 });

/** Walks gva for an access; counts references in `refs.n`. satp MODE Bare maps gva to itself. */
export function walkGuest(p2m: P2m, ctx: GuestContext, gva: bigint, type: AccessType, refs: { n: number }): GuestWalk {
  const mode = ctx.satp >> 60n;
  // Bare: the address is physical, and the access is allowed as whatever privilege makes it.
  if (mode === 0n) return { ok: true, gpa: gva, pte: V | R | W | X | A | D | (ctx.userMode ? U : 0n), pteAddrs: [] };
  if (mode !== 8n) return pageFault(type); // minios uses Sv39; other modes are refused as faults
  if (BigInt.asIntN(39, gva) !== BigInt.asIntN(64, gva)) return pageFault(type);
  let table = (ctx.satp & PPN_MASK) << 12n;
  const pteAddrs: bigint[] = [];
  for (let level = 2; level >= 0; level--) {
    const addr = table + ((gva >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
    if (p2m.hpa(addr) === undefined) return accessFault(type);
    const pte = p2m.read64(addr);
    refs.n++;
    pteAddrs.push(addr);
    if ((pte & V) === 0n || ((pte & R) === 0n && (pte & W) !== 0n) || (pte >> 54n) !== 0n) return pageFault(type);
    if ((pte & (R | X)) === 0n) {
      if (level === 0 || (pte & (A | D | U)) !== 0n) return pageFault(type);
      table = ((pte >> 10n) & PPN_MASK) << 12n;
      continue;
    }
    if (!permitted(pte, type, ctx)) return pageFault(type);
    const ppn = (pte >> 10n) & PPN_MASK;
    const lowMask = (1n << BigInt(9 * level)) - 1n;
    if ((ppn & lowMask) !== 0n) return pageFault(type);
    if ((pte & A) === 0n || (type === WRITE && (pte & D) === 0n)) return pageFault(type);
    const pageMask = (1n << BigInt(12 + 9 * level)) - 1n;
    return { ok: true, gpa: ((ppn << 12n) & ~pageMask) | (gva & pageMask), pte: pte & 0xffn, pteAddrs };
  }
  return pageFault(type);
}

function permitted(pte: bigint, type: AccessType, ctx: GuestContext): boolean {
  if (type === FETCH ? (pte & X) === 0n : type === WRITE ? (pte & W) === 0n : (pte & R) === 0n && !(ctx.mxr && (pte & X) !== 0n)) return false;
  if ((pte & U) !== 0n) return ctx.userMode || (type !== FETCH && ctx.sum);
  return !ctx.userMode;
}
