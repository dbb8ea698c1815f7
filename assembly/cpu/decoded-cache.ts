// The pre-decoded instruction cache: one decoded page per physical code page, direct-mapped by
// physical page number. A page is 2048 slots (one per halfword) decoded on demand (slot op 0 =
// decode me), a sentinel slot that sends the interpreter to fetch the next page, and a header with
// the page's host address. The cache stays coherent with memory: a store to a CODE page clears the
// slots it overlaps (they are decoded again when reached), wherever the store came from.
import {
  DECODED_BASE, DECODED_DIR_BASE, DECODED_PAGES, DECODED_STRIDE, SCRATCH_PAGE_BASE,
  S_cnt_decodedPages, S_cnt_decodedEvictions, S_cnt_codeWrites,
} from '../gen/layout';
import { OP_REFETCH, OP_FETCH } from '../gen/opcodes';
import { fillPseudo, SLOT_BYTES } from './decode';
import { fastFlushDecodedPage, fastFlushHostPage } from '../mmu/fast-tlb';
import { ACCESS_WRITE } from './defs';
import { ramHost, pageFlagsAddr, FLAG_CODE } from '../mem/bus';

export const SLOTS_PER_PAGE: usize = 2048;
const SENTINEL_OFF: usize = SLOTS_PER_PAGE * SLOT_BYTES;
const HEADER_OFF: usize = SENTINEL_OFF + SLOT_BYTES;

@inline function dirEntry(ppn: u64): usize { return DECODED_DIR_BASE + (<usize>(ppn & <u64>(DECODED_PAGES - 1)) << 4); }
@inline function pageAt(ppn: u64): usize { return DECODED_BASE + <usize>(ppn & <u64>(DECODED_PAGES - 1)) * <usize>DECODED_STRIDE; }

/** Host address of the RAM page a decoded page caches (its header). */
@inline export function decodedHostPage(page: usize): usize { return <usize>load<u64>(page + HEADER_OFF); }

/** The decoded page for a physical RAM page, allocating (and evicting a conflicting one) if needed. */
export function decodedPageFor(pa: u64): usize {
  const ppn = pa >> 12;
  const dir = dirEntry(ppn);
  const page = pageAt(ppn);
  if (load<u64>(dir) == ppn + 1) return page;
  if (load<u64>(dir) != 0) {
    store<u64>(S_cnt_decodedEvictions, load<u64>(S_cnt_decodedEvictions) + 1);
    dropPage(dir, page);
  }
  store<u64>(S_cnt_decodedPages, load<u64>(S_cnt_decodedPages) + 1);
  memory.fill(page, 0, SENTINEL_OFF);
  fillPseudo(page + SENTINEL_OFF, OP_REFETCH);
  const host = ramHost(ppn << 12);
  store<u64>(page + HEADER_OFF, <u64>host);
  store<u64>(dir, ppn + 1);
  const flags = pageFlagsAddr(ppn << 12);
  store<u8>(flags, load<u8>(flags) | FLAG_CODE);
  // Stores to this page must now take the slow path.
  fastFlushHostPage(ACCESS_WRITE, <u64>host);
  return page;
}

function dropPage(dir: usize, page: usize): void {
  const old = load<u64>(dir) - 1;
  const flags = pageFlagsAddr(old << 12);
  store<u8>(flags, load<u8>(flags) & ~FLAG_CODE);
  store<u64>(dir, 0);
  fastFlushDecodedPage(page);
}

/** A store wrote [pa, pa + size) in a CODE page: forget the instructions that overlap it. */
export function codeWritten(pa: u64, size: u64): void {
  const ppn = pa >> 12;
  if (load<u64>(dirEntry(ppn)) != ppn + 1) return;
  const page = pageAt(ppn);
  // A 32-bit instruction starting one halfword before the store overlaps it too.
  const first = (pa & 0xfff) >= 2 ? ((pa & 0xfff) - 2) >> 1 : 0;
  let last = ((pa & 0xfff) + size - 1) >> 1;
  if (last >= <u64>SLOTS_PER_PAGE) last = <u64>SLOTS_PER_PAGE - 1;
  let touched = false;
  for (let s = first; s <= last; s++) {
    const slot = page + <usize>s * SLOT_BYTES;
    if (load<u16>(slot) != 0) { store<u64>(slot, 0); touched = true; }
  }
  if (touched) store<u64>(S_cnt_codeWrites, load<u64>(S_cnt_codeWrites) + 1);
}

/** Forgets every decoded page (misa.C changed, restore, host writes). */
export function decodedFlushAll(): void {
  for (let i = 0; i < DECODED_PAGES; i++) {
    const dir = DECODED_DIR_BASE + (<usize>i << 4);
    if (load<u64>(dir) != 0) dropPage(dir, DECODED_BASE + <usize>i * <usize>DECODED_STRIDE);
  }
}

/** The page used for an instruction that straddles two pages: all slots refetch but one. */
export function scratchInit(): void {
  for (let s: usize = 0; s <= SLOTS_PER_PAGE + 1; s++) fillPseudo(SCRATCH_PAGE_BASE + s * SLOT_BYTES, OP_REFETCH);
  fillPseudo(FETCH_SLOT, OP_FETCH);
}
export const STRADDLE_SLOT: usize = SCRATCH_PAGE_BASE + (SLOTS_PER_PAGE - 1) * SLOT_BYTES;


/** The slot the interpreter jumps to when it must translate pc afresh. */
export const FETCH_SLOT: usize = SCRATCH_PAGE_BASE + (SLOTS_PER_PAGE + 3) * SLOT_BYTES;
