// One byte of flags per RAM page (the PAGE_FLAGS region). A page with any flag set never gets a
// fast-TLB write entry, so every store to it reaches the slow path (ramStoreWatched), which acts
// on the flags: this is the one write-watch mechanism behind decoded-code coherence (CODE), HTIF
// (WATCHED), dirty logging (CLEAN) and post-copy migration (ABSENT).
import { PAGE_FLAGS_BASE, RAM_GUEST_BASE } from '../gen/layout';

/** Decoded instructions live in the page: stores must drop the slots they overlap. */
export const FLAG_CODE: u8 = 1;
/** tohost lives in the page: stores to it are HTIF requests. */
export const FLAG_WATCHED: u8 = 2;
/** Dirty logging is on and the page has not been written since the last read-and-clear. */
export const FLAG_CLEAN: u8 = 4;
/** The page's contents have not arrived (post-copy): any access exits to the host. */
export const FLAG_ABSENT: u8 = 8;

@inline export function pageFlagsAddr(pa: u64): usize { return PAGE_FLAGS_BASE + <usize>((pa - RAM_GUEST_BASE) >> 12); }
@inline export function pageFlags(pa: u64): u8 { return load<u8>(pageFlagsAddr(pa)); }
