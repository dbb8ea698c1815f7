// The slow paths of loads, stores, atomics and fetch: translation, device dispatch, misaligned
// accesses (performed byte by byte after both pages translate, as QEMU does), LR/SC and AMOs, and
// refilling the fast TLB. Values come back in accValue.
import { S_reservation, S_misa, S_cnt_decodes } from '../gen/layout';
import {
  ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_ACCESS,
  CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE, MISA_C, ST_OK, ST_TRAP,
} from '../cpu/defs';
import { raise, trapCause, setAccessVa } from '../state';
import { translate, xlatePa, fastFillData, fastFillFetch } from './translate';
import { physLoad, physStore, busValue, ramContains, ramHost, ramStoreWatched } from '../mem/bus';
import { decodedPageFor, decodedHostPage, STRADDLE_SLOT } from '../cpu/decoded-cache';
import { decodeInto, fillPseudo } from '../cpu/decode';
import { isAbsent, notPresent } from '../mem/absent';
import { OP_STRADDLE } from '../gen/opcodes';

export let accValue: u64 = 0;
/** The decoded page found by fetchSlow. */
export let fetchPage: usize = 0;

/** Access faults carry the virtual address, whatever the bus saw. */
@inline function withVaddr(st: i32, vaddr: u64): i32 {
  if (st == ST_TRAP) raise(trapCause, vaddr);
  return st;
}

export function loadSlow(vaddr: u64, size: u64): i32 {
  setAccessVa(vaddr);
  if ((vaddr & (size - 1)) != 0) return misalignedLoad(vaddr, size);
  let st = translate(vaddr, ACCESS_READ);
  if (st != ST_OK) return st;
  const pa = xlatePa;
  st = physLoad(pa, size, CAUSE_LOAD_ACCESS);
  if (st != ST_OK) return withVaddr(st, vaddr);
  accValue = busValue;
  fastFillData(vaddr, pa, ACCESS_READ);
  return ST_OK;
}

export function storeSlow(vaddr: u64, size: u64, v: u64): i32 {
  setAccessVa(vaddr);
  if ((vaddr & (size - 1)) != 0) return misalignedStore(vaddr, size, v);
  let st = translate(vaddr, ACCESS_WRITE);
  if (st != ST_OK) return st;
  const pa = xlatePa;
  st = physStore(pa, size, v, CAUSE_STORE_ACCESS);
  if (st == ST_TRAP) return withVaddr(st, vaddr);
  fastFillData(vaddr, pa, ACCESS_WRITE);
  return st;
}

// Physical addresses of both pages of a misaligned access
let misPa0: u64 = 0;
let misPa1: u64 = 0;

function translateSpan(vaddr: u64, size: u64, type: i32): i32 {
  let st = translate(vaddr, type);
  if (st != ST_OK) return st;
  misPa0 = xlatePa;
  const last = vaddr + size - 1;
  if ((last >> 12) == (vaddr >> 12)) { misPa1 = misPa0 + size - 1; return ST_OK; }
  st = translate(last & ~0xfff, type); // a fault's tval: the first byte of the portion that faulted
  if (st != ST_OK) return st;
  misPa1 = xlatePa;
  return ST_OK;
}

/** Physical address of byte i of a span that translateSpan resolved. */
@inline function spanByte(vaddr: u64, i: u64): u64 {
  const va = vaddr + i;
  return (va >> 12) == (vaddr >> 12) ? misPa0 + i : (misPa1 & ~0xfff) | (va & 0xfff);
}

function misalignedLoad(vaddr: u64, size: u64): i32 {
  let st = translateSpan(vaddr, size, ACCESS_READ);
  if (st != ST_OK) return st;
  let v: u64 = 0;
  for (let i: u64 = 0; i < size; i++) {
    st = physLoad(spanByte(vaddr, i), 1, CAUSE_LOAD_ACCESS);
    if (st != ST_OK) return withVaddr(st, vaddr + i); // tval: the portion that faulted
    v |= busValue << (i << 3);
  }
  accValue = v;
  return ST_OK;
}

function misalignedStore(vaddr: u64, size: u64, v: u64): i32 {
  let st = translateSpan(vaddr, size, ACCESS_WRITE);
  if (st != ST_OK) return st;
  // Every byte must be writable memory, present, before any byte is written.
  for (let i: u64 = 0; i < size; i++) {
    const pa = spanByte(vaddr, i);
    if (!ramContains(pa, 1)) return raise(CAUSE_STORE_ACCESS, vaddr + i); // the portion that faulted
    if (isAbsent(pa)) return notPresent(pa);
  }
  let result = ST_OK;
  for (let i: u64 = 0; i < size; i++) {
    const r = ramStoreWatched(spanByte(vaddr, i), 1, (v >> (i << 3)) & 0xff);
    if (r != ST_OK) result = r;
  }
  return result;
}

/** Translates an atomic's address as a store to RAM; misaligned atomics trap. */
function atomicAddress(vaddr: u64, size: u64, type: i32, misalignedCause: i32): i32 {
  setAccessVa(vaddr);
  if ((vaddr & (size - 1)) != 0) return raise(misalignedCause, vaddr);
  const st = translate(vaddr, type);
  if (st != ST_OK) return st;
  if (!ramContains(xlatePa, size)) return raise(type == ACCESS_READ ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, vaddr);
  if (isAbsent(xlatePa)) return notPresent(xlatePa);
  return ST_OK;
}

export function loadReserved(vaddr: u64, size: u64): i32 {
  const st = atomicAddress(vaddr, size, ACCESS_READ, CAUSE_MISALIGNED_LOAD);
  if (st != ST_OK) return st;
  const h = ramHost(xlatePa);
  accValue = size == 8 ? load<u64>(h) : <u64><i64>load<i32>(h);
  store<u64>(S_reservation, xlatePa);
  return ST_OK;
}

/** SC: accValue = 0 on success, 1 on failure. The reservation is gone either way. */
export function storeConditional(vaddr: u64, size: u64, v: u64): i32 {
  const st = atomicAddress(vaddr, size, ACCESS_WRITE, CAUSE_MISALIGNED_STORE);
  if (st != ST_OK) return st;
  const ok = load<u64>(S_reservation) == xlatePa;
  store<u64>(S_reservation, u64.MAX_VALUE);
  accValue = ok ? 0 : 1;
  if (!ok) return ST_OK;
  return ramStoreWatched(xlatePa, size, v);
}

// AMO operations (funct5 of the encoding, shifted down)
export const AMO_ADD: i32 = 0, AMO_SWAP: i32 = 1, AMO_XOR: i32 = 4, AMO_OR: i32 = 8, AMO_AND: i32 = 12;
export const AMO_MIN: i32 = 16, AMO_MAX: i32 = 20, AMO_MINU: i32 = 24, AMO_MAXU: i32 = 28;

/** AMO<op>.W/.D: accValue = the old value (sign-extended for .W). */
export function amo(vaddr: u64, size: u64, op: i32, src: u64): i32 {
  const st = atomicAddress(vaddr, size, ACCESS_WRITE, CAUSE_MISALIGNED_STORE);
  if (st != ST_OK) return st;
  const h = ramHost(xlatePa);
  const word = size == 4;
  const old: u64 = word ? <u64><i64>load<i32>(h) : load<u64>(h);
  const b: u64 = word ? <u64><i64><i32>src : src;
  let r: u64 = 0;
  switch (op) {
    case AMO_ADD: r = old + b; break;
    case AMO_SWAP: r = b; break;
    case AMO_XOR: r = old ^ b; break;
    case AMO_OR: r = old | b; break;
    case AMO_AND: r = old & b; break;
    case AMO_MIN: r = <i64>old < <i64>b ? old : b; break;
    case AMO_MAX: r = <i64>old > <i64>b ? old : b; break;
    case AMO_MINU: r = (word ? <u32>old < <u32>b : old < b) ? old : b; break;
    case AMO_MAXU: r = (word ? <u32>old > <u32>b : old > b) ? old : b; break;
  }
  accValue = old;
  return ramStoreWatched(xlatePa, size, r);
}

/** Finds (allocating if needed) the decoded page for pc and caches it in the fetch TLB. */
export function fetchSlow(pc: u64): i32 {
  const st = translate(pc, ACCESS_FETCH);
  if (st != ST_OK) return st;
  const pagePa = xlatePa & ~0xfff;
  if (!ramContains(pagePa, 4096)) return raise(CAUSE_FETCH_ACCESS, pc);
  if (isAbsent(pagePa)) return notPresent(pagePa);
  fetchPage = decodedPageFor(pagePa);
  fastFillFetch(pc, fetchPage);
  return ST_OK;
}

@inline function compressedEnabled(): bool { return (load<u64>(S_misa) & MISA_C) != 0; }

/** Decodes the slot at `slot` of decoded page `page` (op 0 means not decoded yet). */
export function decodeSlot(slot: usize, page: usize): void {
  store<u64>(S_cnt_decodes, load<u64>(S_cnt_decodes) + 1);
  const off = (slot - page) >> 3;
  const host = decodedHostPage(page) + off;
  const lo = <u32>load<u16>(host);
  if ((lo & 3) == 3 && off == 0xffe) { fillPseudo(slot, OP_STRADDLE); return; }
  const hi = (lo & 3) == 3 ? <u32>load<u16>(host, 2) : 0;
  decodeInto(slot, lo, hi, compressedEnabled());
}

/** Fetches the second half of a 32-bit instruction at the end of a page and decodes it into the scratch slot. */
export function fetchStraddling(pc: u64, page: usize): i32 {
  const lo = <u32>load<u16>(decodedHostPage(page) + 0xffe);
  const next = pc + 2;
  const st = translate(next, ACCESS_FETCH);
  if (st != ST_OK) return st;
  if (!ramContains(xlatePa, 2)) return raise(CAUSE_FETCH_ACCESS, next);
  if (isAbsent(xlatePa)) return notPresent(xlatePa);
  decodeInto(STRADDLE_SLOT, lo, <u32>load<u16>(ramHost(xlatePa)), compressedEnabled());
  return ST_OK;
}

