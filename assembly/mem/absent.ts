// Not-present RAM pages, for post-copy migration: a page whose contents are still on the source
// host carries FLAG_ABSENT, and any access to it — load, store, atomic, fetch, a page-table walk's
// read, an HTIF request's buffer — leaves the core as a not-present exit with the page's physical
// address instead of touching it. The instruction does not retire; the host fetches the page,
// marks it present and runs again, and the instruction executes as though nothing had happened.
// `absentPages` counts the flagged pages, so with none (every machine that is not a post-copy
// destination) the load paths test one global and never read a flag.
import { S_exitAbsentPa, PAGE_FLAGS_BASE, S_ramSize } from '../gen/layout';
import { FLAG_ABSENT, pageFlags } from './page-flags';
import { EXIT_NOT_PRESENT } from '../cpu/defs';
import { requestExit } from '../exit';
import { fastFlush, ALL_REGIMES } from '../mmu/fast-tlb';
import { decodedFlushAll } from '../cpu/decoded-cache';

/** Pages flagged absent now. */
export let absentPages: i32 = 0;

/** True when [pa, pa + 1) lies in a page that has not arrived (pa must be in RAM). */
@inline export function isAbsent(pa: u64): bool {
  return absentPages != 0 && (pageFlags(pa) & FLAG_ABSENT) != 0;
}

/** The access needs page pa, which is absent: exit to the host. Returns ST_EXIT. */
export function notPresent(pa: u64): i32 {
  store<u64>(S_exitAbsentPa, pa & ~0xfff);
  return requestExit(EXIT_NOT_PRESENT);
}

/**
 * Marks `count` pages from page index `first` absent or present (indices clamped to RAM). Making a
 * page absent must be followed by dropAbsentCopies before the next run (`flush` does it here; a
 * host marking many scattered pages does it once at the end).
 */
export function setAbsent(first: i32, count: i32, absent: bool, flush: bool): void {
  const pages = <i64>(load<u64>(S_ramSize) >> 12);
  const lo = max<i64>(<i64>first, 0);
  const hi = min<i64>(<i64>first + <i64>count, pages);
  for (let i = lo; i < hi; i++) {
    const f = PAGE_FLAGS_BASE + <usize>i;
    const was = (load<u8>(f) & FLAG_ABSENT) != 0;
    if (was == absent) continue;
    store<u8>(f, absent ? load<u8>(f) | FLAG_ABSENT : load<u8>(f) & ~FLAG_ABSENT);
    absentPages += absent ? 1 : -1;
  }
  if (absent && flush && hi > lo) dropAbsentCopies();
}

/** Drops every cached copy of RAM (decoded instructions, fast-TLB entries), so no access reaches an absent page without its flag being seen. */
export function dropAbsentCopies(): void { decodedFlushAll(); fastFlush(ALL_REGIMES); }
