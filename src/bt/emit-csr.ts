/**
 * CSR instructions of the guest kernel, translated. Reads of the supervisor registers the vCPU
 * page holds become a load from it; writes of those the guest may set become a short sequence on
 * it (the emulation runs in the translation cache, no exit); enabling interrupts, and every other
 * CSR, is a callout. The hardware counters (cycle, time, instret) are read directly: they are the
 * guest's too.
 */
import * as E from './encode.js';
import { FIELD, type VcpuField } from './layout.js';
import { SSTATUS_WRITABLE } from './vcpu-page.js';
import type { GuestInsn } from './decode.js';
import type { UnitBuilder } from './unit.js';
import { scratch } from './scratch.js';

const READABLE: Record<number, VcpuField> = {
  0x100: 'sstatus', 0x104: 'sie', 0x144: 'sip', 0x105: 'stvec', 0x140: 'sscratch', 0x141: 'sepc', 0x142: 'scause', 0x143: 'stval', 0x180: 'satp',
};
const WRITABLE = new Set<VcpuField>(['sstatus', 'stvec', 'sscratch', 'sepc', 'scause', 'stval']);
const SIE_BIT = 2;

/** Translates one CSR instruction at guest pc `pc` into `b`. */
export function emitCsr(b: UnitBuilder, insn: GuestInsn, pc: bigint): void {
  const next = pc + BigInt(insn.length);
  const kind = insn.funct3 & 3; // 1 rw, 2 rs, 3 rc
  const immediate = insn.funct3 >= 5;
  const writes = kind === 1 || insn.rs1 !== 0;
  const field = READABLE[insn.csr];
  if (insn.csr >= 0xc00 && insn.csr <= 0xc1f && !writes) { b.emit(insn.bits); return; } // counters: the hardware's
  if (!field || (writes && !WRITABLE.has(field))) {
    b.callout({ kind: insn.csr === 0x180 ? 'satp' : 'csr', guestPc: pc, guestNext: next, insn, restore: [], resumeSkip: 0 });
    return;
  }
  b.emulation();
  if (!writes) { if (insn.rd !== 0) b.emit(E.ld(insn.rd, FIELD[field], 0)); return; }
  if (kind === 1 && !immediate && insn.rd === 0 && (field === 'sscratch' || field === 'scause' || field === 'stval')) {
    b.emit(E.sd(insn.rs1, FIELD[field], 0)); // a plain csrw: one store
    return;
  }
  const [c, d, e] = scratch(field === 'sstatus' ? 3 : 2, [insn.rd, immediate ? 0 : insn.rs1]);
  const spills: [number, VcpuField][] = [[c, 'spillB'], [d, 'spillC'], ...(e !== undefined ? [[e, 'spillD'] as [number, VcpuField]] : [])];
  for (const [r, f] of spills) b.emit(E.sd(r, FIELD[f], 0));
  b.emit(E.ld(c, FIELD[field], 0)); // c = old value
  b.emit(...newValue(kind, immediate, insn.rs1, c, d)); // d = the value written
  legalise(b, field, c, d, e);
  if (insn.rd !== 0) b.emit(E.addi(insn.rd, c, 0));
  if (field === 'sstatus') {
    // Interrupts enabled by this write (SIE 0 -> 1) may have to be taken now: a callout.
    b.emit(E.xor(e!, d, c), E.and(e!, e!, d), E.andi(e!, e!, SIE_BIT), E.beq(e!, 0, 8));
    b.callout({ kind: 'sstatus', guestPc: pc, guestNext: next, insn, restore: spills, resumeSkip: spills.length });
  }
  for (const [r, f] of spills) b.emit(E.ld(r, FIELD[f], 0));
}

/** d = what CSRRW/CSRRS/CSRRC(I) writes, from the old value in c. */
function newValue(kind: number, immediate: boolean, src: number, c: number, d: number): number[] {
  if (immediate) return kind === 1 ? [E.addi(d, 0, src)] : kind === 2 ? [E.ori(d, c, src)] : [E.andi(d, c, ~src)];
  return kind === 1 ? [E.addi(d, src, 0)] : kind === 2 ? [E.or(d, c, src)] : [E.xori(d, src, -1), E.and(d, d, c)];
}

/** Stores d into the field with the hart's WARL rules (c holds the old value; e is a third scratch for sstatus). */
function legalise(b: UnitBuilder, field: VcpuField, c: number, d: number, e: number | undefined): void {
  const at = FIELD[field];
  switch (field) {
    case 'sepc': b.emit(E.andi(d, d, -2), E.sd(d, at, 0)); return;
    case 'stvec': // MODE 2 and 3 are reserved: such a write leaves stvec as it was
      b.emit(E.sd(d, at, 0), E.andi(d, d, 2), E.beq(d, 0, 8), E.sd(c, at, 0));
      return;
    case 'sstatus': // only the writable fields change: d = c ^ ((c ^ d) & mask)
      b.emit(...E.li(e!, SSTATUS_WRITABLE), E.xor(d, d, c), E.and(d, d, e!), E.xor(d, d, c), E.sd(d, at, 0));
      return;
    default: b.emit(E.sd(d, at, 0));
  }
}
