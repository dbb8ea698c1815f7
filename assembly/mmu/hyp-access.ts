// HLV, HLVX and HSV: loads and stores that HS-mode (or M-mode, or U-mode with hstatus.HU) makes as
// though V=1 at privilege hstatus.SPVP, through vsatp and hgatp. They always take this slow path:
// the fast TLB holds only the live regimes' translations.
import { S_priv, S_virt, S_hstatus } from '../gen/layout';
import {
  PRV_U, HSTATUS_HU, HSTATUS_SPVP, ACCESS_READ, ACCESS_WRITE, CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_VIRTUAL_INSTRUCTION, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE, CAUSE_LOAD_ACCESS,
  CAUSE_STORE_ACCESS, ST_OK, ST_TRAP,
} from '../cpu/defs';
import { raise, markGuestAccess, setAccessVa, trapCause } from '../state';
import { translateAs, xlatePa } from './translate';
import { physLoad, physStore, busValue } from '../mem/bus';

export let hlvValue: u64 = 0;

/** Whether the current mode may execute HLV/HSV: ST_OK, or the exception raised. */
function permittedHere(insn: u32): i32 {
  if (load<u64>(S_virt) != 0) return raise(CAUSE_VIRTUAL_INSTRUCTION, insn);
  if (<i32>load<u64>(S_priv) == PRV_U && (load<u64>(S_hstatus) & HSTATUS_HU) == 0) return raise(CAUSE_ILLEGAL_INSTRUCTION, insn);
  return ST_OK;
}

@inline function guestPriv(): i32 { return (load<u64>(S_hstatus) & HSTATUS_SPVP) != 0 ? 1 : 0; }

/** A fault of the guest access: tval is a guest virtual address (hstatus.GVA / mstatus.GVA). */
@inline function guestFault(st: i32): i32 {
  if (st == ST_TRAP) markGuestAccess();
  return st;
}

/** HLV/HLVX of `size` bytes: the raw value (not yet extended) in hlvValue. Misaligned ones trap. */
export function hlv(vaddr: u64, size: u64, hlvx: bool, insn: u32): i32 {
  let st = permittedHere(insn);
  if (st != ST_OK) return st;
  setAccessVa(vaddr);
  if ((vaddr & (size - 1)) != 0) return guestFault(raise(CAUSE_MISALIGNED_LOAD, vaddr));
  st = translateAs(vaddr, ACCESS_READ, guestPriv(), true, hlvx);
  if (st != ST_OK) return guestFault(st);
  st = physLoad(xlatePa, size, CAUSE_LOAD_ACCESS);
  if (st == ST_TRAP) return guestFault(raise(trapCause, vaddr));
  if (st != ST_OK) return st;
  hlvValue = busValue;
  return ST_OK;
}

/** HSV of `size` bytes. */
export function hsv(vaddr: u64, size: u64, value: u64, insn: u32): i32 {
  let st = permittedHere(insn);
  if (st != ST_OK) return st;
  setAccessVa(vaddr);
  if ((vaddr & (size - 1)) != 0) return guestFault(raise(CAUSE_MISALIGNED_STORE, vaddr));
  st = translateAs(vaddr, ACCESS_WRITE, guestPriv(), true, false);
  if (st != ST_OK) return guestFault(st);
  st = physStore(xlatePa, size, value, CAUSE_STORE_ACCESS);
  if (st == ST_TRAP) return guestFault(raise(trapCause, vaddr));
  return st;
}
