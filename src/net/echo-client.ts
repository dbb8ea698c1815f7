/**
 * A client of an echo service (minios's netecho) on a virtual switch: a closed loop, one request
 * in flight — the next is sent as soon as the previous answer is back — each answer checked to be
 * the request it answers, every answer's wall time kept. What a client of a migrating VM sees:
 * its throughput over time (`series`), its longest wait.
 */
import { ClientHost } from './host.js';
import { ETHERTYPE } from './ethernet.js';
import type { VirtualSwitch } from './switch.js';

export class EchoClient {
  readonly host: ClientHost;
  /** Epoch milliseconds of every answer, in order. */
  readonly answers: number[] = [];
  /** Every answer was its request, whole. */
  intact = true;
  private sent = 0;
  private lastSentAt = 0;

  constructor(net: VirtualSwitch, private readonly server: string, private readonly requestBytes = 1024, private readonly now: () => number = Date.now) {
    this.host = new ClientHost('client', '02:00:00:00:00:01', '10.0.0.1', net);
    this.host.on(ETHERTYPE.LOCAL_EXPERIMENTAL, (f) => {
      const want = this.request(this.answers.length);
      if (f.src !== this.server || f.payload.length !== want.length || f.payload.some((b, i) => b !== want[i])) this.intact = false;
      this.answers.push(this.now());
      this.next();
    });
  }

  private request(i: number): Uint8Array { return Uint8Array.from({ length: this.requestBytes }, (_, k) => (k + i) & 0xff); }

  /** Sends the next request (the first starts the loop). */
  next(): void {
    this.lastSentAt = this.now();
    this.host.send(this.server, ETHERTYPE.LOCAL_EXPERIMENTAL, this.request(this.sent++));
  }

  /** Milliseconds since the last request or answer: how long the stream has been quiet. */
  idleFor(): number { return this.now() - Math.max(this.lastSentAt, this.answers[this.answers.length - 1] ?? 0); }

  /** Bytes answered per second in bins of `binMs` over [from, to), as (ms since `origin`, KiB/s) samples. */
  series(from: number, to: number, origin: number, binMs = 50): [number, number][] {
    const bins = new Array<number>(Math.max(1, Math.ceil((to - from) / binMs))).fill(0);
    for (const a of this.answers) if (a >= from && a < to) bins[Math.floor((a - from) / binMs)]++;
    return bins.map((n, i) => [from + (i + 0.5) * binMs - origin, (n * this.requestBytes) / 1024 / (binMs / 1000)]);
  }

  /** The longest gap between two answers that overlaps [from, to] (the switch-over's: from the last answer before it to the first after). */
  longestGap(from: number, to: number): number {
    let gap = 0;
    for (let i = 1; i < this.answers.length; i++) if (this.answers[i] >= from && this.answers[i - 1] <= to) gap = Math.max(gap, this.answers[i] - this.answers[i - 1]);
    return gap;
  }
}
