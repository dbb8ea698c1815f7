/**
 * Records over a channel: the header goes out before the first record; incoming bytes are framed
 * and checked (FrameDecoder) and queue up as records. A defect in what arrives, the channel
 * closing, or — while a receive waits — no byte arriving for `stallMs` (a stream cut off inside a
 * record by a peer that then waits for an answer) becomes the link's `failure`: every later
 * receive rejects with it.
 */
import type { Channel } from './channel.js';
import { ConnectionLost } from './channel.js';
import { FrameDecoder, type Record } from '../stream/decoder.js';
import { encodeHeader, encodeRecord, recordName, chainCrc, REC, StreamError } from '../stream/format.js';
import { encodeEnd } from '../stream/records.js';

export type { Record };

export class RecordLink {
  private readonly decoder: FrameDecoder;
  private readonly queue: Record[] = [];
  private waiter?: { resolve: (r: Record) => void; reject: (e: Error) => void };
  private headerSent = false;
  /** Why the link stopped working (a defect in the incoming stream, or the connection lost). */
  failure?: Error;
  /** Bytes sent and received, framing included. */
  bytesSent = 0;
  bytesReceived = 0;

  constructor(private readonly channel: Channel, private readonly incoming: string, private readonly stallMs = 10_000, private readonly version?: number) {
    this.decoder = new FrameDecoder(incoming);
    channel.onData((b) => this.arrive(b));
    channel.onClose((e) => {
      if (this.failure) return;
      try { this.decoder.end(); } catch (d) { this.fail(d as Error); return; }
      this.fail(new ConnectionLost(`the ${this.incoming} stream is truncated: the connection ${e ? `was lost (${e.message})` : 'closed'} before the protocol was done`));
    });
  }

  private sentRecords = 0;
  private sentChain = 0;

  /** Sends one record (and, first, the header). */
  async send(type: number, body?: Uint8Array): Promise<void> {
    const rec = encodeRecord(type, body);
    this.sentRecords++;
    this.sentChain = chainCrc(this.sentChain, new DataView(rec.buffer).getUint32(8, true));
    if (!this.headerSent) {
      this.headerSent = true;
      const h = encodeHeader(this.version);
      this.bytesSent += h.length;
      await this.channel.send(h);
    }
    this.bytesSent += rec.length;
    await this.channel.send(rec);
  }

  /** The END record: the count and running checksum of every record sent before it. */
  sendEnd(): Promise<void> { return this.send(REC.END, encodeEnd({ records: this.sentRecords, chain: this.sentChain })); }

  /** The next record, waiting for it. */
  receive(): Promise<Record> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.armStall();
    });
  }

  private stallTimer?: ReturnType<typeof setTimeout>;
  /** While a receive waits: fail if nothing arrives for stallMs. */
  private armStall(): void {
    clearTimeout(this.stallTimer);
    if (!this.waiter) return;
    this.stallTimer = setTimeout(() => {
      const inside = this.decoder.pending ? `, ${this.decoder.pending} bytes of a record waiting for the rest` : '';
      this.fail(new ConnectionLost(`the ${this.incoming} stream stalled: nothing arrived for ${this.stallMs} ms${inside} (truncated)`));
      this.channel.close();
    }, this.stallMs);
  }

  /** The next record if one has arrived (never waits); throws the failure once the queue is empty. */
  poll(): Record | undefined {
    const r = this.queue.shift();
    if (r) return r;
    if (this.failure) throw this.failure;
    return undefined;
  }

  /** The next record, which must be of `type`. */
  async expect(type: number): Promise<Record> {
    const r = await this.receive();
    if (r.type !== type) throw new StreamError(`expected ${recordName(type)}, got ${recordName(r.type)} (record ${r.index})`);
    return r;
  }

  close(): void { clearTimeout(this.stallTimer); this.channel.close(); }

  private arrive(bytes: Uint8Array): void {
    if (this.failure) return;
    this.bytesReceived += bytes.length;
    this.armStall();
    let records: Record[];
    try { records = this.decoder.push(bytes); } catch (e) { this.fail(e as Error); return; }
    for (const r of records) {
      const w = this.waiter;
      if (w) { this.waiter = undefined; clearTimeout(this.stallTimer); w.resolve(r); } else this.queue.push(r);
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    clearTimeout(this.stallTimer);
    this.failure = e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(e);
  }
}
