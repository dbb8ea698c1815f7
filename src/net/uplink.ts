/**
 * A cable between the switches of two hosts: a port on this host's switch whose frames go over a
 * byte stream (a TCP socket between two processes) to the peer's uplink, which sends them into
 * its own switch. The two switches then learn and flood as one network of two segments (a tree:
 * no loop), which is what a VM migrated between the two hosts needs to stay reachable at its MAC.
 * Each frame travels as a 16-bit little-endian length and its bytes; a length no Ethernet frame
 * has ends the link (the peer is not a vmlab uplink, or the stream is corrupt), counted.
 */
import { ETH_HEADER, ETH_MAX_FRAME } from './ethernet.js';
import type { SwitchPort, VirtualSwitch } from './switch.js';

/** What the uplink needs of a byte stream (the migration's TCP channel is one). */
export interface ByteLink {
  send(bytes: Uint8Array): Promise<void>;
  onData(handler: (bytes: Uint8Array) => void): void;
  onClose(handler: (e?: Error) => void): void;
  close(): void;
}

export class SwitchUplink implements SwitchPort {
  private pending = new Uint8Array(0);
  closed: string | undefined;
  readonly counts = { sent: 0, received: 0 };

  constructor(readonly name: string, private readonly net: VirtualSwitch, private readonly link: ByteLink) {
    net.attach(this);
    link.onData((b) => this.arrive(b));
    link.onClose((e) => this.end(e ? `the link was lost: ${e.message}` : 'the link closed'));
  }

  /** A frame of this switch for the other side. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    const out = new Uint8Array(2 + frame.length);
    out[0] = frame.length & 0xff;
    out[1] = frame.length >> 8;
    out.set(frame, 2);
    this.counts.sent++;
    this.link.send(out).catch((e: Error) => this.end(`cannot send: ${e.message}`));
  }

  private arrive(bytes: Uint8Array): void {
    if (this.closed) return;
    const all = new Uint8Array(this.pending.length + bytes.length);
    all.set(this.pending);
    all.set(bytes, this.pending.length);
    let at = 0;
    while (all.length - at >= 2) {
      const n = all[at] | (all[at + 1] << 8);
      if (n < ETH_HEADER || n > ETH_MAX_FRAME) { this.end(`a frame of ${n} bytes on the uplink`); return; }
      if (all.length - at - 2 < n) break;
      this.counts.received++;
      this.net.send(this, all.slice(at + 2, at + 2 + n));
      at += 2 + n;
    }
    this.pending = all.slice(at);
  }

  /** Unplugs the uplink (its MACs are forgotten) and closes the stream. */
  end(why = 'closed here'): void {
    if (this.closed) return;
    this.closed = why;
    this.net.detach(this);
    this.link.close();
  }
}
