// Physical memory: RAM at 0x8000_0000 and the devices of the platform table. Unmapped addresses
// raise access faults in the guest (or exit to the host when MMIO exits are on); they never touch
// host memory. RAM pages carry flags (page-flags.ts): CODE (decoded instructions live there, stores
// must keep the decoded cache coherent), WATCHED (tohost lives there), CLEAN (dirty logging: the
// first store marks the page) and ABSENT (post-copy: the page has not arrived); such pages never
// get fast write entries.
import { RAM_BASE, RAM_GUEST_BASE, S_ramSize, S_exitOnMmio, S_mmioAddr, S_mmioSize, S_mmioValue, S_mmioIsStore, S_cnt_mmio } from '../gen/layout';
import { ST_OK, EXIT_MMIO } from '../cpu/defs';
import { raise } from '../state';
import { requestExit } from '../exit';
import { CLINT_BASE, CLINT_SIZE, clintLoad, clintStore } from '../dev/clint';
import { UART_BASE, UART_SIZE, uartLoad, uartStore } from '../dev/uart';
import { FINISHER_BASE, FINISHER_SIZE, finisherStore } from '../dev/finisher';
import { PLIC_BASE, PLIC_SIZE, plicLoad, plicStore } from '../dev/plic';
import { touchesTohost, htifService } from '../dev/htif';
import { codeWritten } from '../cpu/decoded-cache';
import { FLAG_CODE, FLAG_WATCHED, FLAG_CLEAN, FLAG_ABSENT, pageFlags } from './page-flags';
import { markStore } from './dirty-log';
import { isAbsent, notPresent } from './absent';
export { FLAG_CODE, FLAG_WATCHED, pageFlagsAddr, pageFlags } from './page-flags';

/** Value of the last physLoad. */
export let busValue: u64 = 0;

@inline export function ramContains(pa: u64, size: u64): bool {
  return pa - RAM_GUEST_BASE < load<u64>(S_ramSize) && pa - RAM_GUEST_BASE <= load<u64>(S_ramSize) - size;
}
@inline export function ramHost(pa: u64): usize { return RAM_BASE + <usize>(pa - RAM_GUEST_BASE); }

@inline function readRam(h: usize, size: u64): u64 {
  if (size == 8) return load<u64>(h);
  if (size == 4) return load<u32>(h);
  if (size == 2) return load<u16>(h);
  return load<u8>(h);
}
@inline function writeRam(h: usize, size: u64, v: u64): void {
  if (size == 8) store<u64>(h, v);
  else if (size == 4) store<u32>(h, <u32>v);
  else if (size == 2) store<u16>(h, <u16>v);
  else store<u8>(h, <u8>v);
}

/**
 * A store to RAM that honours page flags: a page not present exits before anything is written, a
 * clean page is marked dirty, decoded instructions it overwrites are dropped and a write to tohost
 * is served. The access must lie within one page.
 */
export function ramStoreWatched(pa: u64, size: u64, v: u64): i32 {
  const flags = pageFlags(pa);
  if (flags == 0) { writeRam(ramHost(pa), size, v); return ST_OK; }
  if ((flags & FLAG_ABSENT) != 0) return notPresent(pa);
  writeRam(ramHost(pa), size, v);
  if ((flags & FLAG_CLEAN) != 0) markStore(pa);
  if ((flags & FLAG_CODE) != 0) codeWritten(pa, size);
  if ((flags & FLAG_WATCHED) != 0 && touchesTohost(pa, size)) return htifService();
  return ST_OK;
}

/** Loads `size` bytes (1, 2, 4, 8) at a physical address within one page; value in busValue. */
export function physLoad(pa: u64, size: u64, accessCause: i32): i32 {
  if (ramContains(pa, size)) {
    if (isAbsent(pa)) return notPresent(pa);
    busValue = readRam(ramHost(pa), size);
    return ST_OK;
  }
  store<u64>(S_cnt_mmio, load<u64>(S_cnt_mmio) + 1);
  if (pa - CLINT_BASE < CLINT_SIZE) { busValue = clintLoad(<u32>(pa - CLINT_BASE), <i32>size); return ST_OK; }
  if (pa - UART_BASE < UART_SIZE) { busValue = uartLoad(<u32>(pa - UART_BASE)); return ST_OK; }
  if (pa - FINISHER_BASE < FINISHER_SIZE) { busValue = 0; return ST_OK; }
  if (pa - PLIC_BASE < PLIC_SIZE) { busValue = plicLoad(<u32>(pa - PLIC_BASE)); return ST_OK; }
  return unmapped(pa, size, 0, false, accessCause);
}

/** Stores `size` bytes at a physical address within one page. */
export function physStore(pa: u64, size: u64, v: u64, accessCause: i32): i32 {
  if (ramContains(pa, size)) return ramStoreWatched(pa, size, v);
  store<u64>(S_cnt_mmio, load<u64>(S_cnt_mmio) + 1);
  if (pa - CLINT_BASE < CLINT_SIZE) return clintStore(<u32>(pa - CLINT_BASE), <i32>size, v);
  if (pa - UART_BASE < UART_SIZE) return uartStore(<u32>(pa - UART_BASE), v);
  if (pa - FINISHER_BASE < FINISHER_SIZE) return finisherStore(<u32>(pa - FINISHER_BASE), v);
  if (pa - PLIC_BASE < PLIC_SIZE) return plicStore(<u32>(pa - PLIC_BASE), v);
  return unmapped(pa, size, v, true, accessCause);
}

function unmapped(pa: u64, size: u64, v: u64, isStore: bool, accessCause: i32): i32 {
  if (load<u64>(S_exitOnMmio) == 0) return raise(accessCause, pa);
  store<u64>(S_mmioAddr, pa);
  store<u64>(S_mmioSize, size);
  store<u64>(S_mmioValue, size >= 8 ? v : v & ((<u64>1 << (size << 3)) - 1)); // only the bytes stored
  store<u64>(S_mmioIsStore, isStore ? 1 : 0);
  return requestExit(EXIT_MMIO);
}

/** True when pa is a device register or RAM (for the loader and the host's memory access). */
export function isDevice(pa: u64): bool {
  return pa - CLINT_BASE < CLINT_SIZE || pa - UART_BASE < UART_SIZE || pa - FINISHER_BASE < FINISHER_SIZE || pa - PLIC_BASE < PLIC_SIZE;
}

