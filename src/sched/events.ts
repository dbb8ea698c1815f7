/**
 * The host's pending events in virtual-time order: scheduler timers (ticks, accounting, warp
 * limits, frame boundaries), guests' timer deadlines, I/O completions. A binary heap; events at the
 * same time fire in the order they were queued, so every run is deterministic.
 */
export interface HostEvent {
  readonly at: number;
  readonly fire: (now: number) => void;
  cancelled: boolean;
}

export class EventQueue {
  private heap: (HostEvent & { seq: number })[] = [];
  private seq = 0;

  /** Queues `fire` for time `at`; the event can be cancelled until it fires. */
  add(at: number, fire: (now: number) => void): HostEvent {
    if (!Number.isFinite(at)) throw new RangeError(`event time ${at} is not finite`);
    const e = { at, fire, cancelled: false, seq: this.seq++ };
    this.heap.push(e);
    this.up(this.heap.length - 1);
    return e;
  }

  /** The time of the next live event, or Infinity. */
  peekTime(): number {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].at : Infinity;
  }

  /** Removes and returns the next live event. */
  pop(): HostEvent | undefined {
    this.dropCancelled();
    if (!this.heap.length) return undefined;
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length) { this.heap[0] = last; this.down(0); }
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0].cancelled) {
      const last = this.heap.pop()!;
      if (this.heap.length) { this.heap[0] = last; this.down(0); }
    }
  }
  private before(a: number, b: number): boolean {
    const x = this.heap[a], y = this.heap[b];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  private swap(a: number, b: number): void { [this.heap[a], this.heap[b]] = [this.heap[b], this.heap[a]]; }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.heap.length && this.before(l, m)) m = l;
      if (r < this.heap.length && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
