/**
 * Hypercall batching for callers on the host side, in the style of Xen's libxc (`xc_mmu_t`,
 * `xc_add_mmu_update`, `xc_flush_mmu_updates`): page-table updates and MMU extended operations are
 * queued, and `flush` hands the whole queue to the hypervisor as one multicall, laid out in a
 * dom0 hypercall buffer exactly as a guest lays one out in its memory. The domain builder lays out
 * every PV guest's initial page tables with it.
 *
 * ```ts
 * const batch = new MmuBatch(hv, domid);
 * batch.update(pteMachineAddress, newPte);          // MMU_NORMAL_PT_UPDATE
 * batch.extended(MMUEXT.PIN_L3_TABLE, rootMfn);     // queued after the updates, in order
 * const results = batch.flush();                    // one multicall; a result per segment
 * ```
 */
import type { Hypervisor } from './hypervisor.js';
import { HostBuffer, Fields } from './guest-access.js';
import { HYPERCALL, MMU, MMU_UPDATE_SIZE, MMUEXT_OP_SIZE, MULTICALL_ENTRY_SIZE, errnoName } from './abi.js';
import { MAX_MULTICALL_ENTRIES } from './multicall.js';

/** One multicall entry of a flush: a run of consecutive requests of one kind. */
export interface BatchResult {
  op: 'mmu_update' | 'mmuext_op';
  /** Requests in the run. */
  count: number;
  /** How many went through before the first failure (all of them when `result` is 0). */
  done: number;
  /** 0, or the failing request's -errno. */
  result: number;
}

export class BatchError extends Error {}

type Segment = { op: 'mmu_update'; reqs: Array<[bigint, bigint]> } | { op: 'mmuext_op'; reqs: Array<[number, bigint, bigint]> };

const BUFFER_BASE = 0x1000_0000n;

export class MmuBatch {
  private segments: Segment[] = [];
  /** Multicalls issued so far. */
  hypercalls = 0;

  /**
   * @param hv the hypervisor
   * @param domid the domain whose page tables the requests change (the foreigndom of each call)
   */
  constructor(private readonly hv: Hypervisor, readonly domid: number) {}

  /** Requests queued and not yet flushed. */
  get pending(): number { return this.segments.reduce((n, s) => n + s.reqs.length, 0); }

  /** Queues `*ptr = val` for a page-table entry at machine address `ptr` (MMU_NORMAL_PT_UPDATE). */
  update(ptr: bigint, val: bigint): this {
    const last = this.segments.at(-1);
    if (last?.op === 'mmu_update') last.reqs.push([ptr | BigInt(MMU.NORMAL_PT_UPDATE), val]);
    else this.segments.push({ op: 'mmu_update', reqs: [[ptr | BigInt(MMU.NORMAL_PT_UPDATE), val]] });
    return this;
  }

  /** Queues an MMUEXT_* operation (arg1: an mfn or a linear address; arg2: e.g. the ASID of NEW_BASEPTR). */
  extended(cmd: number, arg1: bigint = 0n, arg2: bigint = 0n): this {
    const last = this.segments.at(-1);
    if (last?.op === 'mmuext_op') last.reqs.push([cmd, arg1, arg2]);
    else this.segments.push({ op: 'mmuext_op', reqs: [[cmd, arg1, arg2]] });
    return this;
  }

  /**
   * Issues everything queued as one multicall (several if there are more than a multicall holds)
   * and empties the queue. Each run of requests reports its own result; a failed run does not
   * stop the later ones, as in a Xen multicall.
   */
  flush(): BatchResult[] {
    const results: BatchResult[] = [];
    for (let i = 0; i < this.segments.length; i += MAX_MULTICALL_ENTRIES) {
      results.push(...this.issue(this.segments.slice(i, i + MAX_MULTICALL_ENTRIES)));
    }
    this.segments = [];
    return results;
  }

  /** flush, throwing a BatchError that names the first failed request. */
  flushOrThrow(): BatchResult[] {
    const results = this.flush();
    const bad = results.find((r) => r.result !== 0);
    if (bad) throw new BatchError(`${bad.op} request ${bad.done} of ${bad.count} failed: -${errnoName(bad.result)}`);
    return results;
  }

  private issue(segments: Segment[]): BatchResult[] {
    // Layout: the multicall entries, then per entry its request array and its success count.
    const listBytes = segments.length * MULTICALL_ENTRY_SIZE;
    const sizes = segments.map((s) => s.reqs.length * (s.op === 'mmu_update' ? MMU_UPDATE_SIZE : MMUEXT_OP_SIZE));
    const buffer = new HostBuffer(BUFFER_BASE, listBytes + sizes.reduce((a, b) => a + b, 0) + 8 * segments.length);
    const f = new Fields(buffer.bytes);
    let at = listBytes;
    const doneAt: number[] = [];
    segments.forEach((s, i) => {
      const e = i * MULTICALL_ENTRY_SIZE;
      const array = at, done = at + sizes[i];
      s.reqs.forEach((r, k) => {
        if (s.op === 'mmu_update') f.setU64(array + k * 16, r[0] as bigint).setU64(array + k * 16 + 8, r[1] as bigint);
        else f.setU32(array + k * 24, r[0] as number).setU64(array + k * 24 + 8, r[1] as bigint).setU64(array + k * 24 + 16, r[2] as bigint);
      });
      f.setU64(e, BigInt(s.op === 'mmu_update' ? HYPERCALL.mmu_update : HYPERCALL.mmuext_op));
      f.setU64(e + 16, BUFFER_BASE + BigInt(array)).setU64(e + 24, BigInt(s.reqs.length))
        .setU64(e + 32, BUFFER_BASE + BigInt(done)).setU64(e + 40, BigInt(this.domid));
      doneAt.push(done);
      at = done + 8;
    });
    this.hypercalls++;
    const rc = this.hv.hypercall(this.hv.dom0Caller(buffer), HYPERCALL.multicall, [BUFFER_BASE, BigInt(segments.length), 0n, 0n, 0n, 0n]);
    if (rc !== 0) throw new BatchError(`multicall failed: -${errnoName(rc)}`);
    return segments.map((s, i) => ({
      op: s.op, count: s.reqs.length, done: f.u32(doneAt[i]),
      result: Number(BigInt.asIntN(64, f.u64(i * MULTICALL_ENTRY_SIZE + 8))),
    }));
  }
}
