/**
 * The migration stream's framing (docs/MIGRATION.md): a header, then typed records, each with its
 * length and a CRC32C, the same in both directions of the connection.
 *
 *   header  : magic "vmlabMIG" (8) | version u32 | flags u32 (0) | reserved u32 (0) | crc32c u32 of the 20 bytes before it
 *   record  : type u32 | length u32 | crc32c u32 of type, length and body | crc32c u32 of the 12 bytes before it | body | zero padding to 8 bytes
 *
 * All integers little-endian. A type with bit 31 set is optional: a reader that does not know it
 * skips it; an unknown type without it is refused (like Xen's stream, which has no checksum: this
 * one adds a CRC32C per record and to the header). The record header has a checksum of its own, so
 * a damaged length is seen at once rather than waited on; END carries a running checksum of every
 * record (chainCrc), so a record lost or repeated is seen too.
 */
import { crc32c } from './crc.js';

export const MAGIC = new TextEncoder().encode('vmlabMIG');
export const VERSION = 1;
export const HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 16;
export const OPTIONAL = 0x8000_0000;
export const PAGE_BYTES = 4096;
/** Pages in one PAGES record: a body of 2 MiB plus their numbers. */
export const MAX_PAGES_PER_RECORD = 512;
/** No body may be larger: the biggest is a full PAGES record. */
export const MAX_BODY_BYTES = 8 + MAX_PAGES_PER_RECORD * (8 + PAGE_BYTES);

/** Record types. Source to destination, then destination to source (the return path). */
export const REC = {
  INIT: 1, PAGES: 2, ZERO_PAGES: 3, ROUND: OPTIONAL | 4, HART: 5, VMM: 6, DEVICES: 7, CLOCK: 8,
  POSTCOPY: 9, END: 10, GO: 11, ABORT: 12, PV: 13, PV_DEVICES: 14,
  READY: 0x101, LOADED: 0x102, RESUMED: 0x103, PAGE_REQUEST: 0x104, DONE: 0x105, REFUSE: 0x106,
} as const;

/** The record each further part of a strategy's state travels in (Migratable.stateParts). */
export const PART_RECORDS = { pv: REC.PV, 'pv-devices': REC.PV_DEVICES } as const;

const NAMES = new Map<number, string>(Object.entries(REC).map(([k, v]) => [v >>> 0, k]));
/** The record type's name, or its number in hex. */
export const recordName = (type: number): string => NAMES.get(type >>> 0) ?? `0x${(type >>> 0).toString(16)}`;

/** A stream that must be refused: the message names the defect. */
export class StreamError extends Error {}

export const pad8 = (n: number): number => (8 - (n % 8)) % 8;

export const checksum = (...parts: Uint8Array[]): number => crc32c(...parts);

/** The 24-byte header of a stream of this version. */
export function encodeHeader(version = VERSION): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  const v = new DataView(h.buffer);
  h.set(MAGIC, 0);
  v.setUint32(8, version, true);
  v.setUint32(20, checksum(h.subarray(0, 20)), true);
  return h;
}

/** One framed record: header, body, padding. */
export function encodeRecord(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (body.length > MAX_BODY_BYTES) throw new RangeError(`a ${recordName(type)} body of ${body.length} bytes is over the limit of ${MAX_BODY_BYTES}`);
  const out = new Uint8Array(RECORD_HEADER_BYTES + body.length + pad8(body.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, type >>> 0, true);
  v.setUint32(4, body.length, true);
  out.set(body, RECORD_HEADER_BYTES);
  v.setUint32(8, recordCrc(out.subarray(0, 8), body), true);
  v.setUint32(12, checksum(out.subarray(0, 12)), true);
  return out;
}

export function recordCrc(typeAndLength: Uint8Array, body: Uint8Array): number {
  return checksum(typeAndLength, body);
}

/**
 * The running checksum of a stream's records: each record's CRC folded into the one before
 * (starting from 0). END carries the count and this value over every record before it, so a
 * record lost, repeated or reordered — which each record's own CRC cannot see — is refused too.
 */
export function chainCrc(chain: number, recordCrcValue: number): number {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, chain, true);
  v.setUint32(4, recordCrcValue, true);
  return checksum(b);
}
