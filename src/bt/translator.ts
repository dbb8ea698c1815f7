/**
 * The translator: one unit — a basic block of at most MAX_UNIT guest instructions — from guest
 * kernel code into translation-cache words. Innocuous instructions are copied (IDENT);
 * instructions that read the pc are rewritten so the guest only ever sees guest addresses (auipc
 * results, link registers); the unit ends at the first control transfer, with exits that chain
 * to other units, or an indirect-jump lookup; privileged and critical instructions become in-TC
 * emulation (emit-csr.ts) or callouts.
 */
import * as E from './encode.js';
import { decodeGuest, type GuestInsn } from './decode.js';
import { FIELD, IJC_VA } from './layout.js';
import { UnitBuilder } from './unit.js';
import { emitCsr } from './emit-csr.js';
import { scratch } from './scratch.js';

/** Guest instructions per unit at most. */
export const MAX_UNIT = 32;

/** Reads guest code: 16 bits at a guest virtual address, or the fault a fetch there raises. */
export type FetchHalf = (va: bigint) => number | { cause: number; tval: bigint };

/** How a site is translated, by guest pc (adaptive binary translation). */
export type SitePolicy = (guestPc: bigint) => 'ident' | 'pt-store';

export type Translation = { ok: true; unit: UnitBuilder } | { ok: false; cause: number; tval: bigint };

const T6 = 31;

/** Translates the unit starting at guest pc `start`. */
export function translate(start: bigint, fetch: FetchHalf, expand: (c: number) => number, policy: SitePolicy, countEmulations = false): Translation {
  const b = new UnitBuilder(start, countEmulations);
  b.emit(E.ld(T6, FIELD.spillJump, 0)); // the entry from an indirect jump restores t6
  let pc = start;
  while (!b.ended) {
    if (b.instructions === MAX_UNIT) { b.exitTo(pc, pc); break; }
    const got = fetchInsn(fetch, pc);
    if (typeof got !== 'number') {
      if (b.instructions === 0) return { ok: false, ...got };
      b.exitTo(pc, pc); // the fault is taken when control gets there
      break;
    }
    const insn = decodeGuest(got, expand);
    b.begin(pc, insn.length);
    emit(b, insn, pc, policy);
    pc += BigInt(insn.length);
  }
  return { ok: true, unit: b };
}

function fetchInsn(fetch: FetchHalf, pc: bigint): number | { cause: number; tval: bigint } {
  const lo = fetch(pc);
  if (typeof lo !== 'number' || (lo & 3) !== 3) return lo;
  const hi = fetch(pc + 2n); // may be on the next page: its fault has that page's address
  if (typeof hi !== 'number') return hi;
  return (lo | (hi << 16)) >>> 0;
}

const ILLEGAL = 2;
const BRANCHES = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);
const LOADS = new Set(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu']);
const STORES = new Set(['sb', 'sh', 'sw', 'sd']);
/** Instructions a virtual S-mode without the H extension does not have: illegal for the guest. */
const NOT_IN_GUEST = /^(mret|hfence|hlv|hsv)/;

function emit(b: UnitBuilder, insn: GuestInsn, pc: bigint, policy: SitePolicy): void {
  const next = pc + BigInt(insn.length);
  const name = insn.name;
  const site = { guestPc: pc, guestNext: next, insn, restore: [], resumeSkip: 0 };
  if (name === undefined || NOT_IN_GUEST.test(name)) {
    b.callout({ ...site, kind: 'reflect', cause: ILLEGAL });
    b.ended = true;
    return;
  }
  if (name === 'auipc') { b.emit(...E.li(insn.rd, pc + insn.imm)); return; }
  if (name === 'jal') { emitLink(b, insn.rd, next); b.exitTo(pc + insn.imm, pc); b.ended = true; return; }
  if (name === 'jalr') { emitIndirect(b, insn, pc, next); b.ended = true; return; }
  if (BRANCHES.has(name)) {
    const branch = E.branch(insn.funct3, insn.rs1, insn.rs2, 8);
    b.emit(branch);
    b.exitTo(next, pc);
    b.exitTo(pc + insn.imm, pc, branch);
    b.ended = true;
    return;
  }
  if (insn.format === 'CSR' || insn.format === 'CSRI') { emitCsr(b, insn, pc); return; }
  switch (name) {
    case 'ecall': b.callout({ ...site, kind: 'sbi' }); return;
    case 'sret': b.callout({ ...site, kind: 'sret' }); b.ended = true; return;
    case 'wfi': b.callout({ ...site, kind: 'wfi' }); return;
    case 'sfence.vma': b.callout({ ...site, kind: 'sfence' }); return;
  }
  // Loads and stores at x0 - 2048..x0 - 1 would reach the vCPU page: the VMM performs them.
  if ((LOADS.has(name) || STORES.has(name)) && insn.rs1 === 0 && insn.imm < 0n) { b.callout({ ...site, kind: 'x0-access' }); return; }
  if (STORES.has(name) && policy(pc) === 'pt-store') { b.callout({ ...site, kind: 'pt-store' }); return; }
  b.emit(insn.bits); // IDENT
}

/** rd = the guest's return address (a guest address, never the translation's). */
function emitLink(b: UnitBuilder, rd: number, ret: bigint): void {
  if (rd !== 0) b.emit(...E.li(rd, ret));
}

/**
 * jalr: the target (a guest pc) is looked up in the indirect-jump cache in the vCPU page; a hit in either way
 * jumps straight to the target's translation (whose entry restores t6, the register the jump
 * needs), a miss is a callout. rd gets the guest return address.
 */
function emitIndirect(b: UnitBuilder, insn: GuestInsn, pc: bigint, next: bigint): void {
  const [rb, rc] = scratch(2, [insn.rd, T6]);
  b.emulation();
  b.emit(E.sd(T6, FIELD.spillJump, 0), E.addi(T6, insn.rs1, Number(insn.imm)), E.andi(T6, T6, -2));
  b.emit(E.sd(rb, FIELD.spillB, 0), E.sd(rc, FIELD.spillC, 0));
  if (insn.rd === T6) b.emit(...E.li(rb, next), E.sd(rb, FIELD.spillJump, 0)); // t6 = the link, once at the target
  else emitLink(b, insn.rd, next);
  // t6's set in the indirect-jump cache, at IJC_VA (-0x5000) + (t6 bits 9..1) * 32: two {guest pc, entry} ways
  b.emit(E.andi(rb, T6, 0x3fe), E.slli(rb, rb, 4), E.lui(rc, Number(BigInt.asUintN(20, IJC_VA >> 12n))), E.add(rb, rb, rc));
  b.emit(E.ld(rc, 0, rb), E.beq(rc, T6, 20), E.ld(rc, 16, rb), E.bne(rc, T6, 28), E.ld(T6, 24, rb), E.jal(0, 8));
  b.emit(E.ld(T6, 8, rb), E.ld(rb, FIELD.spillB, 0), E.ld(rc, FIELD.spillC, 0), E.jalr(0, T6, 0));
  b.callout({ kind: 'indirect', guestPc: pc, guestNext: next, insn, restore: [[rb, 'spillB'], [rc, 'spillC'], [T6, 'spillJump']], resumeSkip: 0 });
}
