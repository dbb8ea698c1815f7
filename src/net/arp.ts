/** ARP for IPv4 over Ethernet (RFC 826): requests, replies, and the gratuitous reply a host that moved sends. */
import { macFromString, macToString, FrameError, ETHERTYPE, BROADCAST } from './ethernet.js';

export const ARP_REQUEST = 1, ARP_REPLY = 2;
/** RARP's request (RFC 903), the operation QEMU's self-announcement uses. */
export const RARP_REQUEST = 3;
export interface ArpPacket { op: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string }

export function ipFromString(s: string): Uint8Array {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new FrameError(`"${s}" is not an IPv4 address`);
  return Uint8Array.from(parts);
}
export const ipToString = (b: Uint8Array): string => [...b].join('.');

export function encodeArp(p: ArpPacket): Uint8Array {
  const b = new Uint8Array(28);
  b.set([0, 1, 0x08, 0x00, 6, 4, 0, p.op]);
  b.set(macFromString(p.senderMac), 8);
  b.set(ipFromString(p.senderIp), 14);
  b.set(macFromString(p.targetMac), 18);
  b.set(ipFromString(p.targetIp), 24);
  return b;
}

export function decodeArp(b: Uint8Array): ArpPacket {
  if (b.length < 28 || b[0] !== 0 || b[1] !== 1 || b[2] !== 0x08 || b[3] !== 0 || b[4] !== 6 || b[5] !== 4) throw new FrameError('not an Ethernet/IPv4 ARP packet');
  const op = (b[6] << 8) | b[7];
  if (op !== ARP_REQUEST && op !== ARP_REPLY) throw new FrameError(`ARP operation ${op}`);
  return { op, senderMac: macToString(b.subarray(8, 14)), senderIp: ipToString(b.subarray(14, 18)), targetMac: macToString(b.subarray(18, 24)), targetIp: ipToString(b.subarray(24, 28)) };
}

/**
 * The frame a host that moved sends so the network finds it again: with its IPv4 address a
 * gratuitous ARP reply (broadcast, "ip is at mac": every switch relearns the port of mac, every
 * ARP cache holding ip takes mac), without one a RARP request for its own MAC, as QEMU's
 * announce-self does, which only the switches learn from.
 */
export function announcement(mac: string, ip?: string): { ethertype: number; payload: Uint8Array } {
  if (ip !== undefined) return { ethertype: ETHERTYPE.ARP, payload: encodeArp({ op: ARP_REPLY, senderMac: mac, senderIp: ip, targetMac: BROADCAST, targetIp: ip }) };
  const p = encodeArp({ op: ARP_REPLY, senderMac: mac, senderIp: '0.0.0.0', targetMac: mac, targetIp: '0.0.0.0' });
  p[7] = RARP_REQUEST;
  return { ethertype: ETHERTYPE.RARP, payload: p };
}
