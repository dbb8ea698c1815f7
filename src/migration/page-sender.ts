/**
 * Sending guest pages: in batches, all-zero pages as their numbers only (ZERO_PAGES), the rest as
 * PAGES records, under the rate limit — while the limit holds the link back the guest may run —
 * with a look at the link after each batch.
 */
import type { RecordLink } from './transport/link.js';
import { REC, MAX_PAGES_PER_RECORD } from './stream/format.js';
import { encodePages, encodePageList } from './stream/records.js';
import type { RateLimiter } from './rate-limiter.js';
import { testBit, type PageBitmap } from '../vmm/dirty-log.js';
import type { HostedVm } from './vm/hosted.js';
import type { PhaseReport } from './report.js';
import { yieldToIo, sleep } from './event-loop.js';

export interface SendHow {
  /** Under the rate limit. */
  limited: boolean;
  /** The guest runs while the limit waits, and a slice after each batch. */
  guestRuns: boolean;
  batch: number;
}

export interface SenderHooks {
  /** Runs a slice of the guest; false when it may not run now (throttled). */
  runGuest(): boolean;
  /** After each batch: what the destination may have sent (the source fails on a refusal). */
  checkLink(): void;
}

export class PageSender {
  /** Pages sent so far, zero pages included. */
  pagesSent = 0;
  constructor(private readonly link: RecordLink, private readonly vm: HostedVm, private readonly limiter: RateLimiter,
    private readonly zeroPages: boolean, private readonly hooks: SenderHooks) {}

  /** The pages of a bitmap, in batches. */
  async sendPages(pages: PageBitmap, how: SendHow): Promise<PhaseReport> {
    const t0 = performance.now();
    const out = { pages: 0, zeroPages: 0, bytes: 0, ms: 0 };
    let batch: number[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const b = await this.sendBatch(batch, how);
      out.pages += batch.length;
      out.zeroPages += b.zero;
      out.bytes += b.bytes;
      batch = [];
    };
    for (let g = 0; g < this.vm.pages; g++) {
      if (!testBit(pages, g)) continue;
      batch.push(g);
      if (batch.length === how.batch) await flush();
    }
    await flush();
    out.ms = performance.now() - t0;
    return out;
  }

  /** One batch: waits for the rate limit (running the guest meanwhile when it may), then one record of each kind. */
  async sendBatch(gfns: number[], how: Omit<SendHow, 'batch'>, check = true): Promise<{ zero: number; bytes: number }> {
    if (how.limited) {
      for (let w = this.limiter.wait(); w > 0; w = this.limiter.wait()) {
        this.hooks.checkLink();
        if (!(how.guestRuns && this.hooks.runGuest())) await sleep(Math.min(w, 2));
      }
    }
    // Views of guest memory, read before the guest runs again.
    const pages = gfns.map((g) => this.vm.readPage(g));
    const zero: number[] = [], data: number[] = [];
    gfns.forEach((g, i) => (this.zeroPages && isZero(pages[i]) ? zero : data).push(g));
    const contents = new Map(gfns.map((g, i) => [g, pages[i]]));
    const before = this.link.bytesSent;
    if (zero.length) await this.link.send(REC.ZERO_PAGES, encodePageList(zero));
    for (let i = 0; i < data.length; i += MAX_PAGES_PER_RECORD) {
      await this.link.send(REC.PAGES, encodePages(data.slice(i, i + MAX_PAGES_PER_RECORD), (g) => contents.get(g)!));
    }
    const bytes = this.link.bytesSent - before;
    if (how.limited) this.limiter.take(bytes);
    this.pagesSent += gfns.length;
    if (how.guestRuns) this.hooks.runGuest();
    await yieldToIo();
    if (check) this.hooks.checkLink();
    return { zero: zero.length, bytes };
  }
}

function isZero(page: Uint8Array): boolean {
  const w = new Int32Array(page.buffer, page.byteOffset, page.length / 4);
  let any = 0;
  for (let i = 0; i < w.length; i++) any |= w[i];
  return any === 0;
}
