/**
 * Address-space tags handed out host-wide: the ASIDs of shadow page tables and the VMIDs of G-stage
 * translation. The TLB keeps translations of several VMs at once, tagged (V, VMID, ASID), so a world
 * switch needs no flush as long as no two address spaces of different VMs ever carry the same tag.
 * That is what one allocator per host guarantees: a tag has one holder at a time, and when it is
 * released the holder's translations are flushed before anyone else can get it ("recycling a tag
 * flushes what it tagged"), so a stale entry never outlives its owner's right to it.
 */
import { OutOfMemory } from './errors.js';

/** No tag of this kind is free: the host runs more address spaces than the hardware can tag. */
export class OutOfTags extends OutOfMemory {}

/** How many tags were recycled (each one a flush of the translations it tagged). */
export interface TagStats { allocated: number; recycled: number }

export class TagAllocator {
  private readonly free: number[] = [];
  private next = 1;
  /** The flush that forgets each held tag's translations, run when it is released. */
  private readonly held = new Map<number, () => void>();
  readonly stats: TagStats = { allocated: 0, recycled: 0 };

  /** Tags 1..max (0 is the host's own context, never handed out). */
  constructor(readonly kind: 'ASID' | 'VMID', readonly max: number) {}

  /** A tag no one else holds; `flush` drops its translations from the TLB when it is released. */
  alloc(flush: () => void): number {
    const tag = this.free.pop() ?? (this.next <= this.max ? this.next++ : undefined);
    if (tag === undefined) throw new OutOfTags(`all ${this.max} ${this.kind}s are in use`);
    this.held.set(tag, flush);
    this.stats.allocated++;
    return tag;
  }

  /** Gives a tag back: its translations are flushed first, then it may be handed out again. */
  release(tag: number): void {
    const flush = this.held.get(tag);
    if (!flush) throw new Error(`${this.kind} ${tag} is not held`);
    this.held.delete(tag);
    flush();
    this.stats.recycled++;
    this.free.push(tag);
  }

  /** Tags held now. */
  get inUse(): number { return this.held.size; }
}
