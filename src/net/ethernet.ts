/** Ethernet II frames (IEEE 802.3 without the FCS, as a virtual NIC hands them over) and MAC addresses. */

export const ETH_HEADER = 14;
export const ETH_MAX_FRAME = 1514;
export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, RARP: 0x8035, LOCAL_EXPERIMENTAL: 0x88b5 } as const;
export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

export class FrameError extends Error {}

/** "aa:bb:cc:dd:ee:ff" from 6 bytes. */
export function macToString(b: Uint8Array): string { return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'); }
/** 6 bytes from "aa:bb:cc:dd:ee:ff". */
export function macFromString(s: string): Uint8Array {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(s);
  if (!m) throw new FrameError(`"${s}" is not a MAC address`);
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)));
}
/** Group (multicast or broadcast) addresses have the least significant bit of the first octet set. */
export const isGroup = (mac: string): boolean => (parseInt(mac.slice(0, 2), 16) & 1) === 1;

export interface Frame { dst: string; src: string; ethertype: number; payload: Uint8Array }

export function encodeFrame(f: Frame): Uint8Array {
  if (f.payload.length > ETH_MAX_FRAME - ETH_HEADER) throw new FrameError(`a payload of ${f.payload.length} bytes does not fit a frame`);
  const out = new Uint8Array(ETH_HEADER + f.payload.length);
  out.set(macFromString(f.dst), 0);
  out.set(macFromString(f.src), 6);
  out[12] = f.ethertype >> 8;
  out[13] = f.ethertype & 0xff;
  out.set(f.payload, ETH_HEADER);
  return out;
}

export function decodeFrame(b: Uint8Array): Frame {
  if (b.length < ETH_HEADER || b.length > ETH_MAX_FRAME) throw new FrameError(`a frame of ${b.length} bytes (14..${ETH_MAX_FRAME})`);
  return { dst: macToString(b.subarray(0, 6)), src: macToString(b.subarray(6, 12)), ethertype: (b[12] << 8) | b[13], payload: b.slice(ETH_HEADER) };
}
