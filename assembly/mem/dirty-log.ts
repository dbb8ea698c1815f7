// Dirty logging: a bit per RAM page, set by the first write to the page after it was armed. While
// logging is off nothing here runs and no page carries FLAG_CLEAN, so stores cost what they always
// did. While it is on, an armed (clean) page has FLAG_CLEAN, so it gets no fast-TLB write entry:
// its first store takes the slow path, which marks it (bit set, flag cleared), and the store's
// refill then puts the page back on the fast path. Read-and-clear hands the bits over (DIRTY_COPY),
// re-arms the pages it cleared and drops the write entries, so the next write to each is seen
// again. Writes that bypass the fast path entirely (the host through the bindings, HTIF) mark
// their pages here too.
import {
  DIRTY_BITMAP_BASE, DIRTY_COPY_BASE, RAM_GUEST_BASE, S_ramSize, S_dirtyLogging,
  S_cnt_dirtyFaults, S_cnt_dirtyHostWrites, S_cnt_dirtyPagesRead, S_cnt_dirtyReads,
} from '../gen/layout';
import { FLAG_CLEAN, pageFlagsAddr } from './page-flags';
import { PAGE_FLAGS_BASE } from '../gen/layout';
import { fastFlushType } from '../mmu/fast-tlb';
import { ACCESS_WRITE } from '../cpu/defs';
import { inc64 } from '../state';

@inline function ramPages(): u64 { return load<u64>(S_ramSize) >> 12; }
@inline function bitmapWords(): usize { return <usize>((ramPages() + 63) >> 6); }

/** Sets the page's dirty bit if it is armed. True when it was. */
function mark(pa: u64): bool {
  const f = pageFlagsAddr(pa);
  const flags = load<u8>(f);
  if ((flags & FLAG_CLEAN) == 0) return false;
  store<u8>(f, flags & ~FLAG_CLEAN);
  const page = (pa - RAM_GUEST_BASE) >> 12;
  const w = DIRTY_BITMAP_BASE + (<usize>(page >> 6) << 3);
  store<u64>(w, load<u64>(w) | (<u64>1 << (page & 63)));
  return true;
}

/** A store of the hart found FLAG_CLEAN on its page (the caller has checked the flag). */
export function markStore(pa: u64): void {
  if (mark(pa)) inc64(S_cnt_dirtyFaults);
}

/** A write that did not come through the hart's stores (host, device): mark every page of [pa, pa + len). */
export function markWritten(pa: u64, len: u64): void {
  if (load<u64>(S_dirtyLogging) == 0 || len == 0) return;
  const last = (pa + len - 1) & ~0xfff;
  for (let a = pa & ~0xfff; a <= last; a += 4096) {
    if (mark(a)) inc64(S_cnt_dirtyHostWrites);
  }
}

/** Turns logging on (every page armed, the bitmap cleared) or off (no page armed; the bits stay). */
export function dirtyLog(on: bool): void {
  const pages = <usize>ramPages();
  if (on) {
    memory.fill(DIRTY_BITMAP_BASE, 0, bitmapWords() << 3);
    for (let i: usize = 0; i < pages; i++) store<u8>(PAGE_FLAGS_BASE + i, load<u8>(PAGE_FLAGS_BASE + i) | FLAG_CLEAN);
    fastFlushType(ACCESS_WRITE);
  } else {
    for (let i: usize = 0; i < pages; i++) store<u8>(PAGE_FLAGS_BASE + i, load<u8>(PAGE_FLAGS_BASE + i) & ~FLAG_CLEAN);
  }
  store<u64>(S_dirtyLogging, on ? 1 : 0);
}

/**
 * Atomically (between two runs) moves the dirty bits to DIRTY_COPY and clears them; with logging
 * on, the pages handed over are armed again and lose their write entries. Returns how many pages
 * were dirty.
 */
export function dirtyReadAndClear(): i32 {
  const words = bitmapWords();
  const logging = load<u64>(S_dirtyLogging) != 0;
  let n: i32 = 0;
  for (let i: usize = 0; i < words; i++) {
    const a = DIRTY_BITMAP_BASE + (i << 3);
    let w = load<u64>(a);
    store<u64>(DIRTY_COPY_BASE + (i << 3), w);
    if (w == 0) continue;
    store<u64>(a, 0);
    n += <i32>popcnt(w);
    if (!logging) continue;
    while (w != 0) {
      const f = PAGE_FLAGS_BASE + (i << 6) + <usize>ctz(w);
      store<u8>(f, load<u8>(f) | FLAG_CLEAN);
      w &= w - 1;
    }
  }
  if (logging && n > 0) fastFlushType(ACCESS_WRITE);
  inc64(S_cnt_dirtyReads);
  inc64(S_cnt_dirtyPagesRead, <u64>n);
  return n;
}
