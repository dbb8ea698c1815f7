/**
 * The sending side of a live migration (docs/MIGRATION.md has the protocol as a sequence):
 *
 *   setup     INIT ->, <- READY; dirty logging on (for the policies that iterate)
 *   iterate   rounds of PAGES / ZERO_PAGES while the guest keeps running, a ROUND after each;
 *             the policy decides after every round (policies/)
 *   complete  the guest stops; stop-and-copy: the last dirty pages, the state (HART or VMM +
 *             DEVICES, CLOCK), END ->, <- LOADED, GO ->, <- RESUMED; post-copy: the state,
 *             POSTCOPY (the pages still missing) ->, <- LOADED, GO ->, <- RESUMED, then pages pushed
 *             and sent on request (<- PAGE_REQUEST) until END ->, <- DONE
 *
 * The guest and the sender share one thread: between two batches of pages the guest runs a
 * slice, and while the rate limit holds the link back the guest runs (or, throttled by
 * auto-converge, sleeps). Until GO the VM is only ever paused here: any failure — a refusal, a
 * defect in what the destination sends, the connection lost — stops the migration and the VM goes
 * on where it is, with nothing lost. After GO the destination runs it: see MigrationFailed.
 */
import type { Channel } from './transport/channel.js';
import { sleep } from './event-loop.js';
import { RecordLink, type Record } from './transport/link.js';
import { REC, PART_RECORDS, MAX_PAGES_PER_RECORD, recordName, StreamError } from './stream/format.js';
import {
  encodeInit, encodeRound, encodeHart, encodeClock, encodeBitmap, encodeStateRecord,
  encodeText, decodeText, decodeResumed, decodePageList, type Resumed,
} from './stream/records.js';
import { migrationOptions, type MigrationOptions } from './options.js';
import { POLICY, type MigrationPolicy, type Next, type RoundState } from './policies/index.js';
import { RateLimiter } from './rate-limiter.js';
import { PageSender } from './page-sender.js';
import { SourceGuest } from './source-guest.js';
import { Throttle } from './auto-converge.js';
import { newBitmap, setBit, testBit, countBits, type PageBitmap } from '../vmm/dirty-log.js';
import { epochMs, type HostedVm, type SliceResult } from './vm/hosted.js';
import type { MigrationReport, PhaseReport, PostcopyReport, RoundReport } from './report.js';

export type MigrationEvent =
  | { type: 'round'; round: RoundReport }
  | { type: 'stopped'; pages: number }
  | { type: 'resumed'; downtimeMs: number }
  | { type: 'postcopy'; delivered: number; left: number }
  | { type: 'done'; report: MigrationReport };

export interface SourceOptions extends Partial<MigrationOptions> {
  /** Progress, as it happens. */
  onEvent?: (e: MigrationEvent) => void;
  /** The guest's console output while it runs here during the migration. */
  onOutput?: (text: string) => void;
}

/**
 * A migration that did not complete. `sourceRunning`: the VM goes on here, as it was (every
 * failure before the destination was told to resume). Otherwise, after GO: `switchover` — the
 * destination did not confirm it resumed, so the VM is paused here and may be running there;
 * `postcopy` — the destination runs the VM but some of its pages were still only here: it cannot
 * go on, nor can the source's copy, which is out of date (the pages stay here for inspection).
 */
export class MigrationFailed extends Error {
  constructor(message: string, readonly phase: 'setup' | 'precopy' | 'switchover' | 'postcopy', readonly sourceRunning: boolean,
    /** How the guest ended when it was the guest that stopped the migration (it halted or crashed here). */
    readonly guest?: SliceResult) {
    super(message);
  }
}

const BATCH = 256;
const POSTCOPY_BATCH = 32;

/** Migrates `vm` over `channel`; resolves with the figures, or rejects with a MigrationFailed. */
export function migrate(vm: HostedVm, channel: Channel, options: SourceOptions = {}): Promise<MigrationReport> {
  let source: Source;
  try {
    source = new Source(vm, channel, options);
  } catch (e) {
    channel.close();
    return Promise.reject(new MigrationFailed(`migration not started: ${(e as Error).message}; the VM goes on here`, 'setup', true));
  }
  return source.run();
}

class Source {
  private readonly o: MigrationOptions;
  private readonly policy: MigrationPolicy;
  private readonly link: RecordLink;
  private readonly limiter: RateLimiter;
  private readonly throttle: Throttle;
  private readonly rounds: RoundReport[] = [];
  private readonly sender: PageSender;
  private readonly guest: SourceGuest;
  private phase: MigrationFailed['phase'] = 'setup';
  private start = epochMs();

  constructor(private readonly vm: HostedVm, channel: Channel, private readonly opts: SourceOptions) {
    this.o = migrationOptions(opts);
    this.policy = POLICY[this.o.policy];
    this.link = new RecordLink(channel, 'destination', this.o.stallTimeoutMs);
    this.limiter = new RateLimiter(this.o.maxBandwidth);
    this.throttle = new Throttle(this.o);
    this.guest = new SourceGuest(vm, this.o.sliceInstructions, this.throttle, opts.onOutput, (r) => {
      const what = r.kind === 'halt' ? `halted with code ${r.code}` : r.kind === 'crash' ? `was stopped by the VMM (${r.why})` : `needed page ${(r as { gfn: number }).gfn}`;
      throw new MigrationFailed(`the guest ${what} during pre-copy: there is nothing left to migrate`, 'precopy', true, r);
    });
    this.sender = new PageSender(this.link, vm, this.limiter, this.o.zeroPages, { runGuest: () => this.guest.run(), checkLink: () => this.checkLink() });
  }

  async run(): Promise<MigrationReport> {
    try {
      return await this.migrate();
    } catch (e) {
      this.vm.dirtyLog.stop();
      throw this.failure(e as Error);
    } finally {
      this.link.close();
    }
  }

  private failure(e: Error): MigrationFailed {
    if (e instanceof MigrationFailed) return e;
    const before = this.phase === 'setup' || this.phase === 'precopy';
    const why = e instanceof StreamError ? `the destination's stream is bad: ${e.message}` : e.message;
    if (before) {
      this.link.send(REC.ABORT, encodeText(why)).catch(() => {}); // tell it, if it still listens
      return new MigrationFailed(`migration failed during ${this.phase}: ${why}; the VM goes on here`, this.phase, true);
    }
    if (this.phase === 'switchover') {
      return new MigrationFailed(`migration failed at the switch-over: ${why}; the destination was told to resume and did not confirm, so the VM is paused here and may be running there`, 'switchover', false);
    }
    return new MigrationFailed(`post-copy failed: ${why}; the VM runs on the destination but ${this.postcopyLeft} of its pages are only here, so it cannot go on there, and the copy here is out of date`, 'postcopy', false);
  }

  private async migrate(): Promise<MigrationReport> {
    this.start = epochMs();
    if (this.policy.mayPostcopy && !this.vm.postcopy) {
      throw new MigrationFailed(`migration not started: a VM under ${this.vm.strategy} cannot resume before all its pages are there (its VMM reads guest memory directly), so ${this.policy.name} is not possible; use precopy, stop-and-copy or xen; the VM goes on here`, 'setup', true);
    }
    await this.link.send(REC.INIT, encodeInit({ ramBytes: this.vm.ramBytes, strategy: this.vm.strategy }));
    await this.reply(REC.READY);
    this.phase = 'precopy';
    if (this.policy.logsDirtyPages) this.vm.dirtyLog.start();
    let toSend = allPages(this.vm.pages);
    let next = this.policy.next(this.state(this.vm.pages, 0));
    while (next === 'iterate') {
      toSend = await this.round(toSend);
      next = this.policy.next(this.state(countBits(toSend), this.bandwidth));
    }
    return this.complete(next, toSend);
  }

  /** The bandwidth the last round showed (bytes per second of wall time). */
  private bandwidth = 0;

  private state(dirtyPages: number, bandwidth: number): RoundState {
    return { rounds: this.rounds.length, ramPages: this.vm.pages, dirtyPages, pagesSent: this.sender.pagesSent, bandwidth, options: this.o };
  }

  /** One pre-copy round: sends `pages` while the guest runs; returns the pages it dirtied meanwhile. */
  private async round(pages: PageBitmap): Promise<PageBitmap> {
    const rate = this.policy.rate(this.state(countBits(pages), 0));
    this.limiter.setRate(rate);
    const t0 = performance.now(), i0 = this.guest.instructions;
    const sent = await this.sender.sendPages(pages, { limited: true, guestRuns: true, batch: BATCH });
    const dirty = this.vm.dirtyLog.readAndClear();
    const ms = performance.now() - t0, dirtied = countBits(dirty);
    const r: RoundReport = {
      round: this.rounds.length, ...sent, ms, dirtied, dirtyRate: dirtied / Math.max(ms / 1000, 1e-6), rate,
      throttle: this.throttle.percent, instructions: this.guest.instructions - i0,
    };
    this.rounds.push(r);
    this.bandwidth = sent.bytes / Math.max(ms / 1000, 1e-6);
    await this.link.send(REC.ROUND, encodeRound({ round: r.round, pages: r.pages, bytes: r.bytes }));
    this.throttle.afterRound(dirtied * 4096, sent.bytes);
    this.opts.onEvent?.({ type: 'round', round: r });
    return dirty;
  }

  /** A record from the destination while we are sending: only a refusal can come. */
  private checkLink(): void {
    const r = this.link.poll();
    if (r) this.unexpected(r);
  }

  private unexpected(r: Record): never {
    if (r.type === REC.REFUSE) throw new Error(`the destination refused the stream: ${decodeText(r.body, 'REFUSE')}`);
    throw new StreamError(`the destination sent ${recordName(r.type)} (record ${r.index}) out of turn`);
  }

  /** Waits for the destination's record of `type` (a refusal, or anything else, fails the migration). */
  private async reply(type: number): Promise<Record> {
    const r = await this.link.receive();
    if (r.type !== type) this.unexpected(r);
    return r;
  }

  /** The guest is stopped: the rest, by stop-and-copy or post-copy. */
  private async complete(next: Next, dirty: PageBitmap): Promise<MigrationReport> {
    const stopAt = epochMs();
    const stopMtime = this.vm.time;
    const wws = this.rounds.length ? this.rounds[this.rounds.length - 1].dirtied : 0;
    this.vm.quiesce();
    // What finishing the VM's half-done work wrote goes too (without logging every page goes anyway).
    if (this.policy.logsDirtyPages) orInto(dirty, this.vm.dirtyLog.readAndClear());
    this.vm.dirtyLog.stop();
    this.opts.onEvent?.({ type: 'stopped', pages: countBits(dirty) });
    if (next === 'stop-and-copy') {
      // Pure stop-and-copy sends all RAM at the link's rate; pre-copy's last pages go as fast as the link can (QEMU's completion).
      const stop = await this.sender.sendPages(dirty, { limited: this.policy.name === 'stop-and-copy', guestRuns: false, batch: BATCH });
      stop.bytes += await this.sendState();
      await this.link.sendEnd();
      stop.ms = epochMs() - stopAt;
      const resumed = await this.switchOver();
      return this.report(stop, stopAt, stopMtime, resumed, wws);
    }
    const stop = { pages: 0, zeroPages: 0, bytes: await this.sendState(), ms: 0 };
    await this.link.send(REC.POSTCOPY, encodeBitmap(dirty, this.vm.pages));
    stop.ms = epochMs() - stopAt;
    const resumed = await this.switchOver();
    this.phase = 'postcopy';
    const post = await this.postcopyPhase(dirty);
    return this.report(stop, stopAt, stopMtime, resumed, wws, post);
  }

  private async sendState(): Promise<number> {
    const before = this.link.bytesSent;
    const s = this.vm.saveState();
    if (s.hart) await this.link.send(REC.HART, encodeHart(s.hart));
    if (s.vmm) await this.link.send(REC.VMM, encodeStateRecord(s.vmm));
    if (s.devices) await this.link.send(REC.DEVICES, encodeStateRecord(s.devices));
    for (const [part, r] of Object.entries(s.parts ?? {})) await this.link.send(PART_RECORDS[part as keyof typeof PART_RECORDS], encodeStateRecord(r));
    await this.link.send(REC.CLOCK, encodeClock(s.clock));
    return this.link.bytesSent - before;
  }

  /**
   * <- LOADED, GO ->, <- RESUMED. Once GO is out the VM is the destination's — unless it answers
   * with a refusal instead (a GO that arrived damaged): then it did not resume, and neither side
   * has moved on, so the VM goes on here.
   */
  private async switchOver(): Promise<Resumed> {
    await this.reply(REC.LOADED);
    this.phase = 'switchover';
    await this.link.send(REC.GO);
    const r = await this.link.receive();
    if (r.type === REC.REFUSE) {
      this.phase = 'precopy';
      throw new MigrationFailed(`migration failed at the switch-over: the destination refused the stream: ${decodeText(r.body, 'REFUSE')}; it did not resume, and the VM goes on here`, 'switchover', true);
    }
    if (r.type !== REC.RESUMED) this.unexpected(r);
    return decodeResumed(r.body);
  }

  private postcopyLeft = 0;

  /** Pushes the missing pages in order, and first whatever the destination asks for. */
  private async postcopyPhase(missing: PageBitmap): Promise<PostcopyReport> {
    const t0 = performance.now();
    const left = newBitmap(this.vm.pages);
    left.set(missing);
    this.postcopyLeft = countBits(left);
    const out: PostcopyReport = { pages: 0, zeroPages: 0, bytes: 0, ms: 0, requested: 0, pushed: 0, requests: 0 };
    this.limiter.setRate(this.o.maxBandwidth);
    const take = (gfns: number[]) => { for (const g of gfns) left[g >>> 5] &= ~(1 << (g & 31)); this.postcopyLeft -= gfns.length; };
    let cursor = 0;
    while (this.postcopyLeft > 0) {
      const asked = this.requests(left);
      out.requests += asked.requests;
      let batch = asked.gfns;
      if (batch.length) out.requested += batch.length;
      else if (this.limiter.wait() > 0) { await sleep(Math.min(this.limiter.wait(), 2)); continue; }
      else {
        batch = [];
        for (; cursor < this.vm.pages && batch.length < POSTCOPY_BATCH; cursor++) if (testBit(left, cursor)) batch.push(cursor);
        out.pushed += batch.length;
      }
      take(batch);
      const b = await this.sender.sendBatch(batch, { limited: false, guestRuns: false }, false); // the loop reads the requests
      if (!asked.gfns.length) this.limiter.take(b.bytes);
      out.pages += batch.length;
      out.zeroPages += b.zero;
      out.bytes += b.bytes;
      this.opts.onEvent?.({ type: 'postcopy', delivered: out.pages, left: this.postcopyLeft });
    }
    await this.link.sendEnd();
    // Requests still on their way name pages already sent: only DONE ends it.
    for (let r = await this.link.receive(); r.type !== REC.DONE; r = await this.link.receive()) {
      if (r.type !== REC.PAGE_REQUEST) this.unexpected(r);
    }
    out.ms = performance.now() - t0;
    return out;
  }

  /** The pages the destination has asked for that it still lacks (requests for pages on their way are dropped). */
  private requests(left: PageBitmap): { gfns: number[]; requests: number } {
    const gfns: number[] = [];
    let requests = 0;
    for (let r = this.link.poll(); r; r = this.link.poll()) {
      if (r.type !== REC.PAGE_REQUEST) this.unexpected(r);
      requests++;
      for (const g of decodePageList(r.body, this.vm.pages, 'PAGE_REQUEST')) if (testBit(left, g) && !gfns.includes(g)) gfns.push(g);
    }
    return { gfns: gfns.slice(0, MAX_PAGES_PER_RECORD), requests };
  }

  private report(stop: PhaseReport, stopAt: number, stopMtime: bigint, resumed: Resumed, wws: number, postcopy?: PostcopyReport): MigrationReport {
    const end = epochMs();
    const report: MigrationReport = {
      policy: this.policy.name, strategy: this.vm.strategy, ramBytes: this.vm.ramBytes, rounds: this.rounds, stop, postcopy,
      totalMs: end - this.start, downtimeMs: resumed.epochMs - stopAt, guestDowntimeMs: Number(resumed.mtime - stopMtime) / 10_000,
      bytesSent: this.link.bytesSent, pagesSent: this.sender.pagesSent, writableWorkingSet: wws,
      at: { start: this.start, stop: stopAt, resume: resumed.epochMs, end },
    };
    this.opts.onEvent?.({ type: 'resumed', downtimeMs: report.downtimeMs });
    this.opts.onEvent?.({ type: 'done', report });
    return report;
  }
}

function orInto(into: PageBitmap, bits: PageBitmap): void {
  for (let i = 0; i < into.length; i++) into[i] |= bits[i];
}

function allPages(n: number): PageBitmap {
  const b = newBitmap(n);
  for (let i = 0; i < n; i++) setBit(b, i);
  return b;
}
