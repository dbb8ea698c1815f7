// PLIC at 0x0C00_0000 (the SiFive layout QEMU's virt machine uses): priorities per source,
// pending bits, enables and a threshold per context, claim/complete. Context 0 is hart 0 in M-mode
// (drives MEIP), context 1 hart 0 in S-mode (drives SEIP). Gateways are level-triggered: while a
// device asserts its line and its source is not claimed, the source's pending bit is set, and it
// stays set until a claim, even if the line drops. The only device wired is the UART, on source 10
// as on QEMU's virt machine.
import { S_plicPriority, S_plicEnable, S_plicThreshold, S_plicClaimed, S_plicPending } from '../gen/layout';
import { uartIrq } from './uart';
import { ST_OK, ST_RESYNC } from '../cpu/defs';

export const PLIC_BASE: u64 = 0x0c00_0000;
export const PLIC_SIZE: u64 = 0x0400_0000;
export const UART_IRQ: u32 = 10;
const SOURCES: u32 = 96;
const CONTEXTS: u32 = 2;

@inline function priority(id: u32): u64 { return load<u64>(S_plicPriority + (<usize>id << 3)); }
@inline function enableWord(ctx: u32, word: u32): usize { return S_plicEnable + (<usize>(ctx * 2 + word) << 3); }
@inline function claimedWord(id: u32): usize { return S_plicClaimed + (<usize>(id >> 6) << 3); }

/** Device lines: which sources assert an interrupt now. */
function line(id: u32): bool { return id == UART_IRQ && uartIrq(); }

@inline function pendingWord(id: u32): usize { return S_plicPending + (<usize>(id >> 6) << 3); }
@inline function bitOf(id: u32): u64 { return <u64>1 << <u64>(id & 63); }

/** The gateways: a wired source whose line is high and which is not claimed becomes pending. */
function sample(): void {
  const id = UART_IRQ;
  if (line(id) && (load<u64>(claimedWord(id)) & bitOf(id)) == 0) store<u64>(pendingWord(id), load<u64>(pendingWord(id)) | bitOf(id));
}

function pending(id: u32): bool {
  return id > 0 && id < SOURCES && (load<u64>(pendingWord(id)) & bitOf(id)) != 0;
}

function enabled(ctx: u32, id: u32): bool { return ((load<u64>(enableWord(ctx, id >> 6)) >> <u64>(id & 63)) & 1) != 0; }

/** The source a claim by `ctx` would return: the highest priority above the threshold, lowest id first. */
function best(ctx: u32): u32 {
  let bestId: u32 = 0;
  let bestPriority = load<u64>(S_plicThreshold + (<usize>ctx << 3));
  // Only wired sources can be pending.
  const id = UART_IRQ;
  if (pending(id) && enabled(ctx, id) && priority(id) > bestPriority) { bestId = id; bestPriority = priority(id); }
  return bestId;
}

/** Whether context 0 (M) / 1 (S) has an interrupt to deliver: MEIP / SEIP. */
export function plicAsserts(ctx: u32): bool { sample(); return best(ctx) != 0; }

export function plicLoad(off: u32): u64 {
  sample();
  if (off < 0x1000) return (off >> 2) < SOURCES ? priority(off >> 2) & 7 : 0;
  if (off < 0x1080) { // pending bits
    const word = (off - 0x1000) >> 2;
    let bits: u64 = 0;
    for (let b: u32 = 0; b < 32; b++) if (pending(word * 32 + b)) bits |= <u64>1 << b;
    return bits;
  }
  if (off >= 0x2000 && off < 0x2000 + 0x80 * CONTEXTS) {
    const ctx = (off - 0x2000) >> 7, word32 = ((off - 0x2000) & 0x7f) >> 2;
    if (word32 >= 3) return 0;
    return (load<u64>(enableWord(ctx, word32 >> 1)) >> (<u64>(word32 & 1) << 5)) & 0xffff_ffff;
  }
  if (off >= 0x20_0000 && off < 0x20_0000 + 0x1000 * CONTEXTS) {
    const ctx = (off - 0x20_0000) >> 12, reg = off & 0xfff;
    if (reg == 0) return load<u64>(S_plicThreshold + (<usize>ctx << 3));
    if (reg == 4) return claim(ctx);
  }
  return 0;
}

function claim(ctx: u32): u64 {
  const id = best(ctx);
  if (id != 0) {
    store<u64>(claimedWord(id), load<u64>(claimedWord(id)) | bitOf(id));
    store<u64>(pendingWord(id), load<u64>(pendingWord(id)) & ~bitOf(id));
  }
  return id;
}

export function plicStore(off: u32, v: u64): i32 {
  if (off < 0x1000) {
    const id = off >> 2;
    if (id > 0 && id < SOURCES) store<u64>(S_plicPriority + (<usize>id << 3), v & 7);
    return ST_RESYNC;
  }
  if (off >= 0x2000 && off < 0x2000 + 0x80 * CONTEXTS) {
    const ctx = (off - 0x2000) >> 7, word32 = ((off - 0x2000) & 0x7f) >> 2;
    if (word32 >= 3) return ST_OK;
    const a = enableWord(ctx, word32 >> 1);
    const shift = <u64>(word32 & 1) << 5;
    let bits = (v & 0xffff_ffff) << shift;
    if (word32 == 0) bits &= ~<u64>1; // source 0 does not exist
    store<u64>(a, (load<u64>(a) & ~(<u64>0xffff_ffff << shift)) | bits);
    return ST_RESYNC;
  }
  if (off >= 0x20_0000 && off < 0x20_0000 + 0x1000 * CONTEXTS) {
    const ctx = (off - 0x20_0000) >> 12, reg = off & 0xfff;
    if (reg == 0) store<u64>(S_plicThreshold + (<usize>ctx << 3), v & 7);
    else if (reg == 4) { // complete: the source may be pending again
      const id = <u32>v;
      if (id > 0 && id < SOURCES && enabled(ctx, id)) store<u64>(claimedWord(id), load<u64>(claimedWord(id)) & ~(<u64>1 << <u64>(id & 63)));
    }
    return ST_RESYNC;
  }
  return ST_OK;
}

/** All sources disabled, priorities and thresholds 0, nothing claimed. */
export function plicReset(): void {
  memory.fill(S_plicPriority, 0, <usize>SOURCES * 8);
  memory.fill(S_plicEnable, 0, 4 * 8);
  memory.fill(S_plicThreshold, 0, 2 * 8);
  memory.fill(S_plicClaimed, 0, 2 * 8);
  memory.fill(S_plicPending, 0, 2 * 8);
}
