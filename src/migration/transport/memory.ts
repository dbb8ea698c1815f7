/**
 * Two channels joined in memory, for tests and the in-suite stream fuzz. Bytes are delivered
 * asynchronously (a microtask later), as a socket would; a `tamper` hook sees each chunk one end
 * sends (a record, or the header) and may change it, replace it by other bytes, or deliver part
 * of it and cut the connection (for mutated and truncated streams).
 */
import type { Channel } from './channel.js';

export type Tamper = (bytes: Uint8Array, offset: number) => Uint8Array | { cutAfter: Uint8Array };

class MemoryEnd implements Channel {
  peer!: MemoryEnd;
  private dataHandler?: (b: Uint8Array) => void;
  private closeHandler?: (e?: Error) => void;
  private closed = false;
  private sent = 0;
  private backlog: Uint8Array[] = [];
  constructor(private readonly tamper?: Tamper) {}

  async send(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('send on a closed channel');
    let out: Uint8Array | { cutAfter: Uint8Array } = bytes.slice();
    if (this.tamper) out = this.tamper(out, this.sent);
    this.sent += bytes.length;
    const chunk = out instanceof Uint8Array ? out : out.cutAfter;
    await Promise.resolve();
    this.peer.deliver(chunk);
    if (!(out instanceof Uint8Array)) this.close();
  }
  onData(h: (b: Uint8Array) => void): void {
    this.dataHandler = h;
    for (const b of this.backlog.splice(0)) h(b);
  }
  onClose(h: (e?: Error) => void): void { this.closeHandler = h; }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => { this.closeHandler?.(); this.peer.close(); });
  }
  private deliver(b: Uint8Array): void {
    if (this.closed) return;
    if (this.dataHandler) this.dataHandler(b); else this.backlog.push(b);
  }
}

/** A connected pair: what `a` sends, `b` receives, and back. `tamperAtoB` filters a's bytes. */
export function memoryPair(tamperAtoB?: Tamper): [Channel, Channel] {
  const a = new MemoryEnd(tamperAtoB), b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
