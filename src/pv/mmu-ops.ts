/**
 * mmu_update and mmuext_op: the only way a PV guest changes its page tables and its base pointer.
 * Each request is copied out of the caller's memory once (the whole array, before any is acted
 * on), then carried out in order; the first failing request ends the hypercall with its error and
 * `success_count` says how many went through (Xen's semantics: a multicall, not mmu_update, is
 * where a failure does not stop the rest).
 */
import type { Caller, Hypervisor } from './hypervisor.js';
import { PageType } from './frame-table.js';
import { Fields, MAX_COPY } from './guest-access.js';
import { SATP_SV39, type PvDomain } from './domain.js';
import { err, MMU, MMUEXT, MMU_UPDATE_SIZE, MMUEXT_OP_SIZE } from './abi.js';

const ASID_LIMIT = 1n << 16n;
const PIN_TYPES: Record<number, PageType> = { [MMUEXT.PIN_L1_TABLE]: PageType.L1, [MMUEXT.PIN_L2_TABLE]: PageType.L2, [MMUEXT.PIN_L3_TABLE]: PageType.L3 };

/** Copies `count` records of `size` bytes at `va` out of the caller's memory: the records, or an errno. */
function copyRecords(caller: Caller, va: bigint, countArg: bigint, size: number): Fields | number {
  if (countArg > BigInt(Math.floor(MAX_COPY / size))) return err('EINVAL');
  const bytes = caller.access.read(va, Number(countArg) * size);
  return bytes ? new Fields(bytes) : err('EFAULT');
}

/** Writes how many requests went through to `success_count` (an unsigned int), unless it is NULL. */
function reportDone(caller: Caller, pdone: bigint, done: number, rc: number): number {
  if (pdone === 0n) return rc;
  const b = new Fields(new Uint8Array(4)).setU32(0, done);
  return caller.access.write(pdone, b.bytes) ? rc : err('EFAULT');
}

/**
 * The common shape of mmu_update and mmuext_op: the target domain, the requests copied out of the
 * caller's memory, carried out in order by `one` until one fails, the count written back.
 */
function runRequests(hv: Hypervisor, caller: Caller, [reqs, count, pdone, foreign]: bigint[], size: number,
  one: (owner: number, r: Fields, at: number) => number): number {
  const owner = hv.target(caller, Number(foreign & 0xffffn));
  if (owner === undefined || owner === 0) return err('ESRCH');
  const r = copyRecords(caller, reqs, count, size);
  if (typeof r === 'number') return r;
  let done = 0, rc = 0;
  for (; done < Number(count); done++) {
    rc = one(owner, r, done * size);
    if (rc !== 0) break;
  }
  return reportDone(caller, pdone, done, rc);
}

/** HYPERVISOR_mmu_update(reqs, count, success_count, foreigndom). */
export function mmuUpdate(hv: Hypervisor, caller: Caller, args: bigint[]): number {
  return runRequests(hv, caller, args, MMU_UPDATE_SIZE, (owner, r, at) => oneUpdate(hv, owner, r.u64(at), r.u64(at + 8)));
}

function oneUpdate(hv: Hypervisor, owner: number, ptr: bigint, val: bigint): number {
  const cmd = Number(ptr & 7n);
  if (cmd !== MMU.NORMAL_PT_UPDATE && cmd !== MMU.PT_UPDATE_PRESERVE_AD) return err('ENOSYS');
  const addr = ptr & ~7n, mfn = addr >> 12n;
  const f = hv.frames;
  if (f.owner(mfn) !== owner) return err('EINVAL');
  if (f.isLiveTable(mfn)) {
    return hv.rules.modEntry(mfn, Number((addr & 0xfffn) >> 3n), f.typeOf(mfn), owner, val, cmd === MMU.PT_UPDATE_PRESERVE_AD);
  }
  // Not a page table in use: a plain write, as to any page the domain could map writable.
  const rc = f.getPageType(mfn, PageType.Writable);
  if (rc !== 0) return rc;
  hv.machine.write64(addr, val);
  f.putPageType(mfn);
  hv.rules.validatedPtes++;
  return 0;
}

/** HYPERVISOR_mmuext_op(ops, count, success_count, foreigndom). */
export function mmuextOp(hv: Hypervisor, caller: Caller, args: bigint[]): number {
  return runRequests(hv, caller, args, MMUEXT_OP_SIZE, (owner, r, at) => oneExtOp(hv, owner, r.u32(at), r.u64(at + 8), r.u64(at + 16)));
}

function oneExtOp(hv: Hypervisor, owner: number, cmd: number, arg1: bigint, arg2: bigint): number {
  const f = hv.frames;
  switch (cmd) {
    case MMUEXT.PIN_L1_TABLE: case MMUEXT.PIN_L2_TABLE: case MMUEXT.PIN_L3_TABLE:
      return f.pin(arg1, owner, PIN_TYPES[cmd]);
    case MMUEXT.PIN_L4_TABLE: return err('EINVAL'); // Sv39 has three levels
    case MMUEXT.UNPIN_TABLE: return f.unpin(arg1, owner);
    case MMUEXT.NEW_BASEPTR: return newBase(hv, owner, arg1, arg2);
    case MMUEXT.TLB_FLUSH_LOCAL: case MMUEXT.TLB_FLUSH_MULTI: case MMUEXT.TLB_FLUSH_ALL:
      // RV64: arg2 = ASID + 1 flushes that ASID's non-global entries only, as SFENCE.VMA x0, asid.
      if (arg2 !== 0n) return flushAsid(hv, owner, arg2 - 1n);
      f.flushTlb();
      return 0;
    case MMUEXT.INVLPG_LOCAL: case MMUEXT.INVLPG_MULTI: case MMUEXT.INVLPG_ALL:
      // One hart, and no page-scoped flush from the host: every flush is a full one (counted as such).
      f.flushTlb();
      return 0;
    default: return err('ENOSYS');
  }
}

/** An ASID-scoped flush: the host ASID standing for the guest's. It is not a full flush: it does not make retyping safe. */
function flushAsid(hv: Hypervisor, owner: number, asid: bigint): number {
  const d = hv.domains.get(owner);
  if (!d || asid >= ASID_LIMIT) return err('EINVAL');
  hv.machine.flushTlbTag({ virt: false, asid: d.hostAsid(hv.host, Number(asid)) });
  return 0;
}

/** satp for root `mfn` of domain `d` with the guest's ASID `asid` (on the hart, the host ASID standing for it). */
export function baseSatp(hv: Hypervisor, d: PvDomain, mfn: bigint, asid: number): bigint {
  return SATP_SV39 | (BigInt(d.hostAsid(hv.host, asid)) << 44n) | mfn;
}

/** MMUEXT_NEW_BASEPTR: an L3 table of the domain becomes its vCPU's root, with the guest's ASID in arg2 (a host ASID on the hart). */
function newBase(hv: Hypervisor, owner: number, mfn: bigint, asid: bigint): number {
  const d = hv.domains.get(owner);
  if (!d || asid >= ASID_LIMIT) return err('EINVAL');
  const rc = hv.frames.getPageAndType(mfn, owner, PageType.L3);
  if (rc !== 0) return rc;
  const old = d.baseMfn;
  d.setBase(baseSatp(hv, d, mfn, Number(asid)), mfn, Number(asid));
  if (old !== undefined) hv.frames.putPageAndType(old);
  return 0;
}

