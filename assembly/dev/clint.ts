// CLINT (SiFive core-local interruptor) at 0x0200_0000: msip, mtimecmp, mtime. mtime follows
// retired cycles (cyclesPerTick per tick) so runs are deterministic, or the host clock at 10 MHz.
import { S_msip, S_mtimecmp, S_mtimeOffset, S_cyclesPerTick, S_wallClock, S_mie } from '../gen/layout';
import { cyclesNow, closeChunk } from '../state';
import { MIP_MTIP, ST_OK, ST_RESYNC } from '../cpu/defs';

export const CLINT_BASE: u64 = 0x0200_0000;
export const CLINT_SIZE: u64 = 0x1_0000;
const MSIP = 0x0;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

@external('env', 'now') declare function hostNowMs(): f64;

/** Ticks of the 10 MHz timebase since reset, before the guest-visible offset. */
function ticks(): u64 {
  if (load<u64>(S_wallClock) != 0) return <u64>(hostNowMs() * 10000.0);
  return cyclesNow() / load<u64>(S_cyclesPerTick);
}

export function mtime(): u64 { return ticks() + load<u64>(S_mtimeOffset); }

export function setMtime(v: u64): void { store<u64>(S_mtimeOffset, v - ticks()); }

/** MTIP and MSIP as the CLINT drives them. */
export function clintPending(): u64 {
  let p: u64 = 0;
  if (mtime() >= load<u64>(S_mtimecmp)) p |= MIP_MTIP;
  if ((load<u64>(S_msip) & 1) != 0) p |= 1 << 3;
  return p;
}

/**
 * Cycles until MTIP rises, for scheduling the next timer check; u64.MAX_VALUE when the timer
 * cannot interrupt (MTIE clear, or mtimecmp out of reach). Wall-clock mode polls.
 */
export function cyclesUntilTimer(): u64 {
  if ((load<u64>(S_mie) & MIP_MTIP) == 0) return u64.MAX_VALUE;
  const now = mtime();
  const cmp = load<u64>(S_mtimecmp);
  if (now >= cmp) return u64.MAX_VALUE; // already pending: nothing to schedule
  if (load<u64>(S_wallClock) != 0) return 100_000;
  const cpt = load<u64>(S_cyclesPerTick);
  const dt = cmp - now;
  if (dt > u64.MAX_VALUE / (cpt + 1)) return u64.MAX_VALUE;
  // The tick counter advances every cpt cycles; the first cycle at which it reaches cmp.
  const c = cyclesNow();
  return dt * cpt - (c % cpt);
}

export function clintLoad(off: u32, size: i32): u64 {
  let word: u64 = 0;
  const base = off & ~7;
  if (base == MSIP) word = load<u64>(S_msip) & 1;
  else if (base == MTIMECMP) word = load<u64>(S_mtimecmp);
  else if (base == MTIME) word = mtime();
  return extract(word, off & 7, size);
}

export function clintStore(off: u32, size: i32, v: u64): i32 {
  const base = off & ~7;
  const shift = (off & 7) << 3;
  if (base == MSIP) {
    if ((off & 7) == 0) store<u64>(S_msip, v & 1);
  } else if (base == MTIMECMP) {
    store<u64>(S_mtimecmp, insert(load<u64>(S_mtimecmp), v, shift, size));
  } else if (base == MTIME) {
    closeChunk();
    setMtime(insert(mtime(), v, shift, size));
  } else return ST_OK;
  return ST_RESYNC;
}

@inline function sizeMask(size: i32): u64 { return size >= 8 ? u64.MAX_VALUE : ((<u64>1 << (<u64>size << 3)) - 1); }
@inline function extract(word: u64, byteOff: u32, size: i32): u64 { return (word >> (<u64>byteOff << 3)) & sizeMask(size); }
@inline function insert(word: u64, v: u64, shift: u32, size: i32): u64 {
  const m = sizeMask(size) << shift;
  return (word & ~m) | ((v << shift) & m);
}
