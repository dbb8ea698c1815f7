/**
 * A client host on a virtual switch: one MAC and IPv4 address, an ARP cache, and handlers for the
 * frames it receives. It answers ARP requests for its address, learns from every ARP packet it
 * sees (so a gratuitous reply from a host that moved updates its entry at once, as the seed's
 * live migration relies on), and can announce itself with a gratuitous ARP. Tests and the CLI
 * talk to guests through it.
 */
import { encodeFrame, decodeFrame, BROADCAST, ETHERTYPE, FrameError, type Frame } from './ethernet.js';
import { encodeArp, decodeArp, announcement, ARP_REQUEST, ARP_REPLY } from './arp.js';
import type { SwitchPort, VirtualSwitch } from './switch.js';

/** An ARP cache entry: the MAC, how often it changed, and how many ARP packets from ip confirmed or changed it. */
export interface ArpEntry { mac: string; updates: number; heard: number }

export class ClientHost implements SwitchPort {
  readonly arp = new Map<string, ArpEntry>();
  /** Frames of ethertypes other than ARP, in arrival order (unless a handler takes them). */
  readonly received: Frame[] = [];
  private readonly handlers = new Map<number, (f: Frame) => void>();

  constructor(readonly name: string, readonly mac: string, readonly ip: string, private readonly net: VirtualSwitch) {
    net.attach(this);
  }

  /** Handles frames of `ethertype` (instead of keeping them in `received`). */
  on(ethertype: number, handler: (f: Frame) => void): void { this.handlers.set(ethertype, handler); }

  /** Sends a frame from this host. */
  send(dst: string, ethertype: number, payload: Uint8Array): void {
    this.net.send(this, encodeFrame({ dst, src: this.mac, ethertype, payload }));
  }

  /** Asks who has `ip` (the answer lands in the ARP cache). */
  resolve(ip: string): void {
    this.send(BROADCAST, ETHERTYPE.ARP, encodeArp({ op: ARP_REQUEST, senderMac: this.mac, senderIp: this.ip, targetMac: '00:00:00:00:00:00', targetIp: ip }));
  }

  /** A gratuitous ARP reply: "ip is at mac", broadcast, so every cache holding ip updates. */
  announce(): void {
    const a = announcement(this.mac, this.ip);
    this.send(BROADCAST, a.ethertype, a.payload);
  }

  receive(bytes: Uint8Array): void {
    let f: Frame;
    try { f = decodeFrame(bytes); } catch (e) { if (e instanceof FrameError) return; throw e; }
    if (f.dst !== this.mac && f.dst !== BROADCAST) return;
    if (f.ethertype === ETHERTYPE.ARP) return this.arpPacket(f.payload);
    if (f.ethertype === ETHERTYPE.RARP) return; // another host's self-announcement: only switches learn from it
    const h = this.handlers.get(f.ethertype);
    if (h) h(f);
    else this.received.push(f);
  }

  private arpPacket(payload: Uint8Array): void {
    let p;
    try { p = decodeArp(payload); } catch (e) { if (e instanceof FrameError) return; throw e; }
    if (p.senderIp !== this.ip) {
      const e = this.arp.get(p.senderIp);
      if (e) this.arp.set(p.senderIp, { mac: p.senderMac, updates: e.updates + (e.mac !== p.senderMac ? 1 : 0), heard: e.heard + 1 });
      else if (p.targetIp === this.ip || p.op === ARP_REPLY) this.arp.set(p.senderIp, { mac: p.senderMac, updates: 0, heard: 1 });
    }
    if (p.op === ARP_REQUEST && p.targetIp === this.ip) {
      this.send(p.senderMac, ETHERTYPE.ARP, encodeArp({ op: ARP_REPLY, senderMac: this.mac, senderIp: this.ip, targetMac: p.senderMac, targetIp: p.senderIp }));
    }
  }
}
