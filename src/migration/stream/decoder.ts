/**
 * Reading the framing back from a byte stream that arrives in chunks of any size: the header is
 * checked first (magic, version, reserved fields, checksum), then each record (its length against
 * the limit, its checksum, reserved word and padding). Anything wrong is a StreamError whose
 * message names the defect and where it is; nothing of a record is handed on before all of it has
 * arrived and checked.
 */
import {
  MAGIC, VERSION, HEADER_BYTES, RECORD_HEADER_BYTES, MAX_BODY_BYTES, StreamError, pad8, checksum, recordCrc, recordName, chainCrc,
} from './format.js';

export interface Record {
  type: number;
  body: Uint8Array;
  /** Records before this one, and their running checksum (chainCrc): what an END must state. */
  index: number;
  chain: number;
}

export class FrameDecoder {
  private readonly queue = new ByteQueue();
  private headerSeen = false;
  private count = 0;
  private chain = 0;
  /** Bytes taken so far (for messages). */
  private offset = 0;

  constructor(private readonly direction: string) {}

  /** Adds bytes; returns the records they complete. Throws StreamError on a defect. */
  push(chunk: Uint8Array): Record[] {
    this.queue.push(chunk);
    const out: Record[] = [];
    for (;;) {
      if (!this.headerSeen) {
        if (this.queue.length < HEADER_BYTES) return out;
        this.checkHeader(this.queue.peek(HEADER_BYTES));
        this.take(HEADER_BYTES);
        this.headerSeen = true;
        continue;
      }
      if (this.queue.length < RECORD_HEADER_BYTES) return out;
      const head = this.queue.peek(RECORD_HEADER_BYTES);
      const v = new DataView(head.buffer, head.byteOffset, RECORD_HEADER_BYTES);
      const type = v.getUint32(0, true), length = v.getUint32(4, true);
      const where = `${this.direction} record ${this.count} (${recordName(type)}) at byte ${this.offset}`;
      const hcrc = v.getUint32(12, true), hwant = checksum(head.subarray(0, 12));
      if (hcrc !== hwant) throw new StreamError(`${this.direction} record ${this.count} at byte ${this.offset} is corrupt: its header's CRC32C is 0x${hcrc.toString(16)}, the header gives 0x${hwant.toString(16)}`);
      if (length > MAX_BODY_BYTES) throw new StreamError(`${where} declares ${length} bytes, more than any record may have (${MAX_BODY_BYTES}): corrupt`);
      const total = RECORD_HEADER_BYTES + length + pad8(length);
      if (this.queue.length < total) return out;
      const whole = this.queue.peek(total);
      const body = whole.slice(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
      const crc = v.getUint32(8, true), want = recordCrc(whole.subarray(0, 8), body);
      if (crc !== want) throw new StreamError(`${where} is corrupt: CRC32C 0x${crc.toString(16)}, the data gives 0x${want.toString(16)}`);
      for (let i = RECORD_HEADER_BYTES + length; i < total; i++) {
        if (whole[i] !== 0) throw new StreamError(`${where} is corrupt: its padding is not zero`);
      }
      out.push({ type, body, index: this.count++, chain: this.chain });
      this.chain = chainCrc(this.chain, crc);
      this.take(total);
    }
  }

  /** The stream ended (connection closed): refused if it stopped inside the header or a record. */
  end(): void {
    if (!this.headerSeen) throw new StreamError(`${this.direction} stream truncated: ${this.queue.length} of the ${HEADER_BYTES} header bytes`);
    if (this.queue.length > 0) throw new StreamError(`${this.direction} stream truncated inside record ${this.count}: ${this.queue.length} bytes of it arrived`);
  }

  /** Bytes not yet framed. */
  get pending(): number { return this.queue.length; }

  private checkHeader(h: Uint8Array): void {
    const v = new DataView(h.buffer, h.byteOffset, HEADER_BYTES);
    if (MAGIC.some((b, i) => h[i] !== b)) throw new StreamError(`${this.direction} stream is not a vmlab migration stream (bad magic)`);
    const crc = v.getUint32(20, true), want = checksum(h.subarray(0, 20));
    if (crc !== want) throw new StreamError(`${this.direction} stream header is corrupt: CRC32C 0x${crc.toString(16)}, the header gives 0x${want.toString(16)}`);
    const version = v.getUint32(8, true);
    if (version !== VERSION) throw new StreamError(`${this.direction} stream is version ${version}; this host reads version ${VERSION}`);
    if (v.getUint32(12, true) !== 0 || v.getUint32(16, true) !== 0) throw new StreamError(`${this.direction} stream header has flags or reserved bits this version does not define`);
  }

  private take(n: number): void {
    this.queue.drop(n);
    this.offset += n;
  }
}

/** Chunks as they came, joined only when a record spans several (no copying of the whole backlog per chunk). */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(c: Uint8Array): void { if (c.length) { this.chunks.push(c); this.length += c.length; } }
  /** The first n bytes (n <= length), contiguous. */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (at === n) break;
    }
    return out;
  }
  drop(n: number): void {
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0];
      if (c.length <= n) { n -= c.length; this.chunks.shift(); } else { this.chunks[0] = c.subarray(n); n = 0; }
    }
  }
}
