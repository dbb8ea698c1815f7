/**
 * The indirect-jump cache: guest pc -> translation entry, two ways per set, in VMM frames that
 * translated code reads at IJC_VA (translator.ts: emitIndirect looks a jump's target up there) and
 * only the VMM writes. Translated code trusts nothing it finds there beyond jumping to it: every
 * entry the VMM writes is the entry of a live unit, and entries of dropped units are removed.
 */
import type { Machine } from '../../bindings/machine.js';
import { IJC_EMPTY, IJC_SETS, IJC_SET_BYTES } from './layout.js';

const SETS_PER_PAGE = 4096 / IJC_SET_BYTES;

export class IndirectJumpCache {
  /** Translation entry -> the guest pcs cached with it (so that dropping a unit touches only its sets). */
  private readonly inserted = new Map<bigint, Set<bigint>>();
  constructor(private readonly m: Machine, /** host frames of the cache, in address order */ readonly frames: bigint[]) {
    this.clear();
  }

  /** Host address of the set of a guest pc (its bits 9..1). */
  private set(guestPc: bigint): bigint {
    const i = Number((guestPc >> 1n) & BigInt(IJC_SETS - 1));
    return this.frames[Math.floor(i / SETS_PER_PAGE)] + BigInt((i % SETS_PER_PAGE) * IJC_SET_BYTES);
  }

  /** Caches guestPc -> entry in the first way of its set (the second keeps the previous first). */
  insert(guestPc: bigint, entry: bigint): void {
    const a = this.set(guestPc);
    if (this.m.read64(a) !== guestPc) {
      this.m.write64(a + 24n, this.m.read64(a + 8n));
      this.m.write64(a + 16n, this.m.read64(a));
    }
    this.m.write64(a + 8n, entry);
    this.m.write64(a, guestPc);
    const pcs = this.inserted.get(entry) ?? new Set<bigint>();
    this.inserted.set(entry, pcs.add(guestPc));
  }

  /** Drops the entries whose translation entry is in [from, to) (a dropped unit's). */
  drop(from: bigint, to: bigint): void {
    for (const [entry, pcs] of this.inserted) {
      if (entry < from || entry >= to) continue;
      for (const pc of pcs) {
        const a = this.set(pc);
        for (const way of [0n, 16n]) if (this.m.read64(a + way + 8n) === entry) this.m.write64(a + way, IJC_EMPTY);
      }
      this.inserted.delete(entry);
    }
  }

  clear(): void {
    this.inserted.clear();
    const empty = new Uint8Array(4096);
    new DataView(empty.buffer).setBigUint64(0, IJC_EMPTY, true);
    for (let o = 16; o < 4096; o += 16) empty.copyWithin(o, 0, 16);
    for (const f of this.frames) this.m.writePhys(f, empty);
  }
}
