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
  }

  /** Drops the entries whose translation entry is in [from, to). */
  drop(from: bigint, to: bigint): void {
    for (const f of this.frames) {
      for (let o = 0n; o < 4096n; o += 16n) {
        const e = this.m.read64(f + o + 8n);
        if (e >= from && e < to) this.m.write64(f + o, IJC_EMPTY);
      }
    }
  }

  clear(): void {
    const empty = new Uint8Array(4096);
    new DataView(empty.buffer).setBigUint64(0, IJC_EMPTY, true);
    for (let o = 16; o < 4096; o += 16) empty.copyWithin(o, 0, 16);
    for (const f of this.frames) this.m.writePhys(f, empty);
  }
}
