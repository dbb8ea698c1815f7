// The non-virtualizable ("critical") hart profile: sensitive CSR accesses that, from U-mode, do not
// trap but behave differently, modelled on Robin & Irvine's list of IA-32's critical instructions
// (docs/BT.md maps each one). It is only consulted once an access has already been refused, so
// the standard profile, and every access that is allowed, pay nothing for it.
import { S_profile } from '../gen/layout';
import { PRV_U, ST_OK } from './defs';
import { setReg } from '../state';

export const PROFILE_STANDARD: u64 = 0;
export const PROFILE_CRITICAL: u64 = 1;

const SSTATUS = 0x100, STVEC = 0x105, SATP = 0x180;

/**
 * A refused CSR access that the critical profile performs instead: returns ST_OK when it did, -1
 * when the access must trap as usual. `csr` is the number the instruction names (at V=1 the S
 * CSR, whose VS counterpart `value` was read from), `value` the CSR's current value.
 *
 * - sstatus, any access from U: no trap. A read returns the real sstatus, as SMSW and PUSHF reveal
 *   the real machine status word and flags to ring 3; a write changes nothing, as POPF in ring 3
 *   silently keeps IF and IOPL (every writable field of sstatus is supervisor state: SIE, SPIE,
 *   SPP, SUM, MXR).
 * - stvec and satp, reads from U: the real trap vector and page-table root, as SIDT, SGDT and
 *   SLDT store the real descriptor-table registers. Writes still trap, as LIDT/LGDT/LLDT do.
 */
export function criticalCsr(csr: i32, p: i32, value: u64, rd: u32, reads: bool, writes: bool): i32 {
  if (load<u64>(S_profile) != PROFILE_CRITICAL || p != PRV_U) return -1;
  if (csr != SSTATUS && (writes || (csr != STVEC && csr != SATP))) return -1;
  if (reads) setReg(rd, value);
  return ST_OK;
}
