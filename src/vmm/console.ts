/**
 * The host's copy of a VM's console: a bounded ring of its most recent output, with a count of the
 * bytes that fell out of it, so a guest that prints forever costs the host a fixed amount of memory.
 * Whoever wants every byte (a terminal, a log file) attaches a sink, which sees the output as it
 * is produced, in chunks.
 */

/** Bytes a console keeps by default (1 MiB). */
export const CONSOLE_KEEP = 1 << 20;
const CHUNK = 4096;

export class ConsoleLog {
  private readonly ring: Uint8Array;
  private start = 0;
  private length = 0;
  /** Bytes produced and no longer kept. */
  dropped = 0;
  /** Bytes not yet handed to the sink. */
  private pending = new Uint8Array(CHUNK);
  private pendingLength = 0;
  private readonly decoder = new TextDecoder();

  /** Keeps the last `keep` bytes; `sink`, if given, receives every byte. */
  constructor(readonly keep = CONSOLE_KEEP, public sink?: (bytes: Uint8Array) => void) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`a console must keep at least one byte, not ${keep}`);
    this.ring = new Uint8Array(keep);
  }

  /** Bytes produced in all. */
  get total(): number { return this.dropped + this.length; }

  /** One byte of output. */
  put(byte: number): void {
    this.keepByte(byte & 0xff);
    if (!this.sink) return;
    this.pending[this.pendingLength++] = byte;
    if (this.pendingLength === CHUNK) this.flush();
  }
  /** Several bytes of output. */
  write(bytes: Uint8Array): void { for (const b of bytes) this.put(b); }

  /** Hands what is pending to the sink (the console does this itself every 4 KiB). */
  flush(): void {
    if (!this.sink || this.pendingLength === 0) return;
    const out = this.pending.slice(0, this.pendingLength);
    this.pendingLength = 0;
    this.sink(out);
  }

  /** The bytes kept, oldest first. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    const first = Math.min(this.length, this.keep - this.start);
    out.set(this.ring.subarray(this.start, this.start + first));
    out.set(this.ring.subarray(0, this.length - first), first);
    return out;
  }
  /** The bytes kept, as text (UTF-8). */
  text(): string { return this.decoder.decode(this.bytes()); }

  private keepByte(b: number): void {
    if (this.length < this.keep) { this.ring[(this.start + this.length++) % this.keep] = b; return; }
    this.ring[this.start] = b;
    this.start = (this.start + 1) % this.keep;
    this.dropped++;
  }
}
