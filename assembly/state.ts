// Hart state accessors. All architectural state lives in the STATE region of linear memory at the
// offsets of spec/layout.mjs, so a snapshot is one memory copy; this file only names the words.
import { S_x, S_priv, S_virt, S_mstatus, S_cnt_instret, S_cnt_cycles, S_cnt_instretByMode } from './gen/layout';

@inline export function rd64(addr: usize): u64 { return load<u64>(addr); }
@inline export function wr64(addr: usize, v: u64): void { store<u64>(addr, v); }
@inline export function inc64(addr: usize, by: u64 = 1): void { store<u64>(addr, load<u64>(addr) + by); }

/** Integer register by index (0..31; 32 is the write sink for x0). */
@inline export function getReg(i: u32): u64 { return load<u64>(<usize>i << 3, S_x); }
@inline export function setReg(i: u32, v: u64): void { store<u64>(<usize>i << 3, v, S_x); }

@inline export function priv(): i32 { return <i32>load<u64>(S_priv); }
@inline export function mstatus(): u64 { return load<u64>(S_mstatus); }

// Pending-trap record: helpers fill it and return ST_TRAP; one place (trap.ts) delivers.
export let trapCause: i32 = 0;
export let trapTval: u64 = 0;
/** For a guest-page fault: the guest physical address (htval/mtval2 get it shifted right by 2). */
export let trapGpa: u64 = 0;
/** The htinst/mtinst value: a transformed instruction or an implicit-access pseudo-instruction. */
export let trapTinst: u64 = 0;
/** The faulting access was a guest's (V=1 or HLV/HSV): an address in tval is a guest virtual address. */
export let trapGuestAccess: bool = false;

/** Records a synchronous exception to be delivered. Always returns ST_TRAP (1). */
export function raise(cause: i32, tval: u64): i32 {
  trapCause = cause;
  trapTval = tval;
  trapGpa = 0;
  trapTinst = 0;
  trapGuestAccess = false;
  return 1;
}

/** Records a guest-page fault (or another fault of a guest access) with its guest physical address. */
export function raiseGuest(cause: i32, tval: u64, gpa: u64, tinst: u64): i32 {
  raise(cause, tval);
  trapGpa = gpa;
  trapTinst = tinst;
  trapGuestAccess = true;
  return 1;
}

/** The virtual address an explicit memory access started at (htinst's offset is measured from it). */
export let accessVa: u64 = 0;
@inline export function setAccessVa(va: u64): void { accessVa = va; }

/** Marks the pending trap as raised by a guest access (HLV/HSV from V=0). */
export function markGuestAccess(): void { trapGuestAccess = true; }
/** Sets the pending trap's htinst value. */
export function setTrapTinst(v: u64): void { trapTinst = v; }

// Instruction accounting. The interpreter keeps a countdown in a local; `chunkLeft` mirrors it
// whenever a slow path runs, so the current instret is exact everywhere outside the fast path.
export let chunkStart: u64 = 0; // instret when the current chunk began
export let chunkLen: i32 = 0; // instructions the chunk allowed
export let chunkLeft: i32 = 0; // countdown mirrored from the interpreter

/** Instructions retired so far, exact at any slow-path call. */
@inline export function instretNow(): u64 {
  return chunkStart + <u64>(chunkLen - chunkLeft);
}

/**
 * Folds the current chunk into the counters (per privilege mode too) and ends it: afterwards the
 * interpreter's countdown is 0, so it resynchronises timers and interrupts before going on. Call
 * before anything that changes the privilege mode or the time.
 */
export function closeChunk(): void {
  const instret = instretNow();
  const delta = instret - load<u64>(S_cnt_instret);
  store<u64>(S_cnt_instret, instret);
  store<u64>(S_cnt_cycles, load<u64>(S_cnt_cycles) + delta);
  const byMode = S_cnt_instretByMode + (<usize>(load<u64>(S_priv) + (load<u64>(S_virt) << 2)) << 3);
  store<u64>(byMode, load<u64>(byMode) + delta);
  chunkStart = instret;
  chunkLen = 0;
  chunkLeft = 0;
}

/** Cycles so far: retired instructions plus idle cycles, exact at any slow-path call. */
@inline export function cyclesNow(): u64 {
  return load<u64>(S_cnt_cycles) + (instretNow() - load<u64>(S_cnt_instret));
}

// The interpreter's side of the mirror (AssemblyScript modules cannot assign each other's globals).
/** Before a slow path: publish the countdown. */
@inline export function syncOut(left: i32): void { chunkLeft = left; }
/** After a slow path: the countdown, possibly ended (0) by closeChunk. */
@inline export function syncIn(): i32 { return chunkLeft; }
/** The instruction that was counted at dispatch did not retire. */
@inline export function unretire(): void { chunkLeft++; }
/** Starts a chunk of `len` instructions at the current instret. */
export function beginChunk(len: i32): void {
  chunkStart = load<u64>(S_cnt_instret);
  chunkLen = len;
  chunkLeft = len;
}
