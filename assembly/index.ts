// The exports of the core: the face bindings/ wraps. Hot exports take and return i32; 64-bit
// values cross as BigInt only on cold paths (CSR access, configuration, debug translation).
import {
  STATE_BASE, STATE_SIZE, RAM_BASE, RAM_GUEST_BASE, PAGE_FLAGS_BASE, PAGE_FLAGS_SIZE, FAST_TLB_BASE,
  FAST_TLB_SIZE, TLB_BASE, TLB_SIZE, DECODED_DIR_BASE, DECODED_DIR_SIZE, UART_TX_BASE, UART_RX_BASE,
  S_pc, S_priv, S_mstatus, S_misa, S_ramSize, S_reservation, S_cyclesPerTick, S_tohostAddr,
  S_fromhostAddr, S_mtimecmp, S_mmioRd, S_mmioSigned, S_mmioSize, S_mmioLen, S_mmioIsStore,
  S_cnt_instret, S_cnt_cycles, S_cnt_instretByMode, S_hardwareAD, S_tlbSets, S_pwcEnabled, S_ntlbEnabled,
  S_virt, S_mideleg, S_tlbTagged, S_cnt_tlbFlushAll, S_cnt_tlbFlushRecycle,
} from './gen/layout';
import { MSTATUS_RESET, MISA_RESET, PRV_M, ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH, MIDELEG_WRITABLE, HS_FORCED_DELEG, HGATP_VMID_MASK } from './cpu/defs';
import { setReg, inc64, beginChunk, raise } from './state';
import { mtime, setMtime } from './dev/clint';
import { expandCompressed } from './cpu/rvc';
import { run as interpret } from './cpu/interpreter';
import { foldFastHits } from './mmu/tlb-counters';
import { refreshRegime, currentVmid } from './mmu/translate';
import { tlbConfigure, tlbFlushAll, tlbFlush, ANY, CTX_VIRT, CTX_VM_MASK } from './mmu/tlb';
import { fastFlush, ALL_REGIMES } from './mmu/fast-tlb';
import { walk, WALK_OK, walkPa, walkRefs, walkRefsG, walkLevel, walkPte, faultGpa, faultImplicit } from './mmu/walk';
import { csrPeek, csrPeekValue, csrPoke } from './cpu/csr';
import { decodedFlushAll, codeWritten, scratchInit } from './cpu/decoded-cache';
import { refreshAlign, takeTrap } from './cpu/trap';
import { uartReset } from './dev/uart';
import { plicReset } from './dev/plic';
import { pageFlagsAddr, FLAG_WATCHED, FLAG_CODE, ramContains } from './mem/bus';
import { markWritten, dirtyLog, dirtyReadAndClear } from './mem/dirty-log';
import { setAbsent, absentPages, isAbsent, dropAbsentCopies } from './mem/absent';
import { MSTATUS_SUM, MSTATUS_MXR, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS } from './cpu/defs';

export const LAYOUT_VERSION: i32 = 1;

/** Grows memory for `ramBytes` of guest RAM and resets the machine. 0 on success, -1 if too large. */
export function init(ramBytes: u64): i32 {
  if (ramBytes == 0 || (ramBytes & 0xfff) != 0) return -1;
  if (ramBytes > (<u64>PAGE_FLAGS_SIZE << 12) || <u64>RAM_BASE + ramBytes > 0xffff_0000) return -1;
  const needPages = <i32>((<u64>RAM_BASE + ramBytes + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have && memory.grow(needPages - have) < 0) return -1;
  memory.fill(STATE_BASE, 0, STATE_SIZE);
  store<u64>(S_ramSize, ramBytes);
  // Grown memory is zero already: only RAM that was memory before this call (a second init) is
  // cleared, so creating a machine does not touch every page of its RAM (start-up time).
  const oldEnd = <u64>have << 16;
  if (oldEnd > <u64>RAM_BASE) memory.fill(RAM_BASE, 0, <usize>min(ramBytes, oldEnd - <u64>RAM_BASE));
  memory.fill(PAGE_FLAGS_BASE, 0, PAGE_FLAGS_SIZE);
  store<u64>(S_tlbTagged, 1);
  tlbConfigure(64, 4);
  reset(RAM_GUEST_BASE);
  return 0;
}

/** Architectural reset: M-mode at `pc`, registers zero, caches empty. RAM is kept. */
export function reset(pc: u64): void {
  for (let i: u32 = 0; i < 33; i++) setReg(i, 0);
  store<u64>(S_pc, pc);
  store<u64>(S_priv, PRV_M);
  store<u64>(S_virt, 0);
  store<u64>(S_mstatus, MSTATUS_RESET);
  store<u64>(S_mideleg, (load<u64>(S_mideleg) & MIDELEG_WRITABLE) | HS_FORCED_DELEG);
  store<u64>(S_misa, MISA_RESET);
  store<u64>(S_reservation, u64.MAX_VALUE);
  store<u64>(S_mtimecmp, u64.MAX_VALUE); // no timer interrupt pending at reset, as on QEMU
  if (load<u64>(S_cyclesPerTick) == 0) store<u64>(S_cyclesPerTick, 10);
  if (load<u64>(S_tohostAddr) == 0) { store<u64>(S_tohostAddr, u64.MAX_VALUE); store<u64>(S_fromhostAddr, u64.MAX_VALUE); }
  uartReset();
  plicReset();
  flushCaches();
}

/**
 * Empties every cache (TLBs, decoded pages) and rebuilds derived state: after reset or restore.
 * Pages keep their dirty-logging and not-present flags: those are the host's, not caches.
 */
export function flushCaches(): void {
  const pages = <usize>(load<u64>(S_ramSize) >> 12);
  for (let i: usize = 0; i < pages; i++) store<u8>(PAGE_FLAGS_BASE + i, load<u8>(PAGE_FLAGS_BASE + i) & ~(FLAG_CODE | FLAG_WATCHED));
  memory.fill(DECODED_DIR_BASE, 0, DECODED_DIR_SIZE);
  memory.fill(FAST_TLB_BASE, 0, FAST_TLB_SIZE);
  scratchInit();
  fastFlush(ALL_REGIMES);
  tlbFlushAll();
  watchTohost();
  refreshRegime();
  refreshAlign();
  beginChunk(0); // instret now is the restored counter's, for host reads of time before the next run
}

function watchTohost(): void {
  const t = load<u64>(S_tohostAddr);
  if (t != u64.MAX_VALUE && ramContains(t, 8)) {
    const f = pageFlagsAddr(t);
    store<u8>(f, load<u8>(f) | FLAG_WATCHED);
    fastFlush(ALL_REGIMES);
  }
}

/** Sets the physical addresses of tohost and fromhost (from the ELF symbols); -1 for none. */
export function setHtif(tohost: u64, fromhost: u64): void {
  store<u64>(S_tohostAddr, tohost);
  store<u64>(S_fromhostAddr, fromhost);
  watchTohost();
}

export function run(budget: i32): i32 { return interpret(budget); }

/** The host wrote guest RAM [pa, pa + len): keep decoded instructions coherent, log the pages as dirty. */
export function hostWrote(pa: u64, len: u64): void {
  if (len != 0 && ramContains(pa, len)) markWritten(pa, len);
  const end = pa + len;
  let a = pa;
  while (a < end) {
    const pageEnd = (a & ~0xfff) + 4096;
    const chunk = (pageEnd < end ? pageEnd : end) - a;
    if (ramContains(a, chunk)) codeWritten(a, chunk);
    a = pageEnd;
  }
}

/** Completes an MMIO exit: the value for a load, then the instruction retires. */
export function mmioComplete(value: u64): void {
  if (load<u64>(S_mmioIsStore) == 0) {
    const size = load<u64>(S_mmioSize);
    let v = value;
    if (size < 8) {
      const shift = 64 - (size << 3);
      v = load<u64>(S_mmioSigned) != 0 ? <u64>(<i64>(v << shift) >> <i64>shift) : (v << shift) >> shift;
    }
    setReg(<u32>load<u64>(S_mmioRd), v);
  }
  store<u64>(S_pc, load<u64>(S_pc) + load<u64>(S_mmioLen));
  store<u64>(S_cnt_instret, load<u64>(S_cnt_instret) + 1);
  store<u64>(S_cnt_cycles, load<u64>(S_cnt_cycles) + 1);
  const m = S_cnt_instretByMode + (<usize>load<u64>(S_priv) << 3);
  store<u64>(m, load<u64>(m) + 1);
}

/**
 * Ends an MMIO exit that no host device claims as the access fault the access raises without MMIO
 * exits: taken at once (exit controls do not apply, the host is already handling this access),
 * with tval the access's virtual address, which the host computes from the instruction.
 */
export function mmioFault(tval: u64): void {
  const cause = load<u64>(S_mmioIsStore) != 0 ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;
  raise(cause, tval);
  takeTrap(<u64>cause, tval, load<u64>(S_pc), false);
}

// --- CSRs from the host ---
export function csrRead(csr: i32): u64 { return csrPeek(csr) ? csrPeekValue() : 0; }
export function csrExists(csr: i32): bool { return csrPeek(csr); }
export function csrWrite(csr: i32, v: u64): bool { return csrPoke(csr, v, load<u64>(S_pc)); }

// --- configuration ---
export function configureTlb(entries: i32, ways: i32): bool { return tlbConfigure(entries, ways); }
export function setHardwareAD(on: bool): void { store<u64>(S_hardwareAD, on ? 1 : 0); tlbFlushAll(); }
/** Turns the page-walk caches and the nested TLB on or off (both start empty). */
export function setWalkCaches(pwc: bool, ntlb: bool): void {
  store<u64>(S_pwcEnabled, pwc ? 1 : 0);
  store<u64>(S_ntlbEnabled, ntlb ? 1 : 0);
  tlbFlushAll();
}
export function tlbEntries(): i32 { return <i32>(load<u64>(S_tlbSets) * load<u64>(S_tlbSets + 8)); }

// --- for a hypervisor outside the core ---
/** Flushes the modelled TLB as an SFENCE.VMA of everything would (counted as one). */
export function flushTlb(): void { tlbFlushAll(); inc64(S_cnt_tlbFlushAll); }
/**
 * Flushes the translations of one tag, for a hypervisor recycling it: with `virt` 0 the host
 * context's non-global entries of `asid`; with `virt` 1 the guest entries of VMID `vmid`, only
 * those of `asid` unless it is -1. Counted in tlbFlushRecycle.
 */
export function flushTlbTag(virt: i32, vmid: i32, asid: i32): void {
  const a: i64 = asid < 0 ? ANY : <i64>(asid & 0xffff);
  if (virt == 0) tlbFlush(CTX_VIRT, 0, ANY, a);
  else tlbFlush(CTX_VM_MASK, CTX_VIRT | <u16>(vmid & <i32>HGATP_VMID_MASK), ANY, a);
  inc64(S_cnt_tlbFlushRecycle);
}
/** mtime now. */
export function timeNow(): u64 { return mtime(); }
/** Sets mtime (as a store to the CLINT's mtime would): a migrated machine's clock goes on from the source's. */
export function setTimeNow(v: u64): void { setMtime(v); }
/** Sets mtimecmp (the CLINT's compare register) as a store to it would. */
export function setTimerCompare(v: u64): void { store<u64>(S_mtimecmp, v); }

/** Privilege-level change or satp/mstatus written by the host: recompute derived state. */
export function stateChanged(): void { fastFlush(ALL_REGIMES); refreshRegime(); refreshAlign(); beginChunk(0); }

// --- debug translation (side-effect free) ---
let debugPa: u64 = 0;
let debugRefs: i32 = 0;
let debugLevel: i32 = 0;
let debugPte: u64 = 0;
/**
 * Walks vaddr for access type 0 read, 1 write, 2 fetch at privilege `priv` under the current satp,
 * without A/D updates or counters. Returns -1 on success (debugPa etc. set) or the fault cause.
 */
export function translateDebug(vaddr: u64, type: i32, priv: i32): i32 {
  const satp = csrRead(0x180);
  if (priv == PRV_M || (satp >> 60) == 0) { debugPa = vaddr; debugRefs = 0; debugRefsG = 0; debugLevel = 0; return WALK_OK; }
  const ms = load<u64>(S_mstatus);
  const r = walk(vaddr, type, priv, satp, (ms & MSTATUS_SUM) != 0, (ms & MSTATUS_MXR) != 0, false);
  debugRefs = walkRefs;
  debugRefsG = 0;
  if (r == WALK_OK) { debugPa = walkPa; debugLevel = walkLevel; debugPte = walkPte; }
  return r;
}
/**
 * A two-stage walk (without side effects unless asked: then A/D updates, counters and walk
 * caches act as on a TLB miss): gva under the guest's `vsatp` (Bare allowed) and the
 * G-stage `hgatp`, at privilege `priv` (0 VU, 1 VS). -1 on success, else the cause (for a
 * guest-page fault see debugFaultGpa/debugFaultImplicit). It is the walker the hart uses at V=1.
 */
export function translateNestedDebug(gva: u64, type: i32, priv: i32, vsatp: u64, hgatp: u64, sideEffects: bool): i32 {
  const ms = load<u64>(S_mstatus);
  const r = walk(gva, type, priv, vsatp, (ms & MSTATUS_SUM) != 0, (ms & MSTATUS_MXR) != 0, sideEffects, hgatp, (ms & MSTATUS_MXR) != 0);
  debugRefs = walkRefs;
  debugRefsG = walkRefsG;
  if (r == WALK_OK) { debugPa = walkPa; debugLevel = walkLevel; debugPte = walkPte; }
  return r;
}
let debugRefsG: i32 = 0;
export function debugResultRefsG(): i32 { return debugRefsG; }
export function debugFaultGpa(): u64 { return faultGpa; }
export function debugFaultImplicit(): bool { return faultImplicit; }
export function debugResultPa(): u64 { return debugPa; }
export function debugResultRefs(): i32 { return debugRefs; }
export function debugResultLevel(): i32 { return debugLevel; }
export function debugResultPte(): u64 { return debugPte; }

// --- dirty logging and not-present pages (live migration) ---
/** Dirty logging on (every page armed, bits cleared) or off (the bits stay until read). */
export function setDirtyLogging(on: bool): void { dirtyLog(on); }
/** Moves the dirty bits to the DIRTY_COPY region, clears and re-arms them; the number of dirty pages. */
export function readAndClearDirty(): i32 { return dirtyReadAndClear(); }
/** Marks `count` RAM pages from page index `first` not present (absent) or present; see absent.ts for `flush`. */
export function setPagesAbsent(first: i32, count: i32, absent: bool, flush: bool): void { setAbsent(first, count, absent, flush); }
/** After marking pages absent without `flush`: drops the cached copies of RAM. */
export function dropCachedRam(): void { dropAbsentCopies(); }
/**
 * The host wrote RAM page `page` (index from the start of RAM) whole, and it is there now: the
 * page-granular form of hostWrote for a migration's pages, with i32 arguments only.
 */
export function hostWrotePage(page: i32): void {
  const pa = RAM_GUEST_BASE + (<u64>page << 12);
  if (!ramContains(pa, 4096)) return;
  markWritten(pa, 4096);
  codeWritten(pa, 4096);
  setAbsent(page, 1, false, false);
}
/** Whether RAM page `page` is marked not present. */
export function pageAbsentAt(page: i32): bool { return absentPages != 0 && pageAbsent(RAM_GUEST_BASE + (<u64>page << 12)); }
/** Whether the RAM page of `pa` is marked not present. */
export function pageAbsent(pa: u64): bool { return ramContains(pa, 1) && isAbsent(pa); }
/** How many RAM pages are not present. */
export function pagesAbsent(): i32 { return absentPages; }

/** Folds pending fast-TLB hit counts into the counters (run() does this at every exit). */
export function syncCounters(): void { foldFastHits(currentVmid()); }

// --- where things are, for the typed views ---
export function stateBase(): i32 { return <i32>STATE_BASE; }
export function ramBase(): i32 { return <i32>RAM_BASE; }
export function uartTxBase(): i32 { return <i32>UART_TX_BASE; }
export function uartRxBase(): i32 { return <i32>UART_RX_BASE; }
export function heapEnd(): i32 { return <i32>__heap_base; }


/** The 32-bit instruction a 16-bit one stands for (0 if reserved): for the disassembler. */
export function expandRvc(c: u32): u32 { return expandCompressed(c); }
