/**
 * The bodies of the stream's records (docs/MIGRATION.md has the table): how each is written, and
 * how each is read back with everything a destination must not trust checked — counts against
 * the body's length, page numbers against the VM's RAM, texts against their limits.
 */
import { BodyReader, BodyWriter, encodeState, decodeState } from './codec.js';
import { MAX_PAGES_PER_RECORD, PAGE_BYTES, StreamError } from './format.js';
import type { StateRecord } from '../../vmm/state-reader.js';
import type { HartState } from '../../../bindings/machine.js';

/** INIT: what VM is coming. */
export interface Init { ramBytes: number; strategy: string }
const MAX_RAM = 4 * 1024 ** 3;
export const encodeInit = (i: Init): Uint8Array => new BodyWriter().u64(BigInt(i.ramBytes)).u32(PAGE_BYTES).text(i.strategy).done();
export function decodeInit(body: Uint8Array): Init {
  const r = new BodyReader(body, 'INIT');
  const ram = r.u64(), page = r.u32(), strategy = r.text(64);
  r.end();
  if (page !== PAGE_BYTES) throw new StreamError(`INIT: page size ${page}, this host uses ${PAGE_BYTES}`);
  if (ram === 0n || ram % BigInt(PAGE_BYTES) !== 0n || ram > BigInt(MAX_RAM)) throw new StreamError(`INIT: a RAM size of ${ram} bytes is not a positive multiple of ${PAGE_BYTES} up to 4 GiB`);
  return { ramBytes: Number(ram), strategy };
}

/** PAGES: page numbers, then the pages' contents in the same order. */
export function encodePages(gfns: readonly number[], read: (gfn: number) => Uint8Array): Uint8Array {
  const w = new BodyWriter().u32(gfns.length).u32(0);
  for (const g of gfns) w.u64(BigInt(g));
  for (const g of gfns) w.bytes(read(g));
  return w.done();
}
export interface Pages { gfns: number[]; data: Uint8Array }
export function decodePages(body: Uint8Array, ramPages: number): Pages {
  const r = new BodyReader(body, 'PAGES');
  const count = r.u32();
  if (r.u32() !== 0) throw new StreamError('PAGES: its reserved word is not zero');
  if (count === 0 || count > MAX_PAGES_PER_RECORD) throw new StreamError(`PAGES: ${count} pages in one record (1..${MAX_PAGES_PER_RECORD} allowed)`);
  if (r.left !== count * (8 + PAGE_BYTES)) throw new StreamError(`PAGES: ${count} pages need ${count * (8 + PAGE_BYTES)} bytes after the count, the record has ${r.left}`);
  const gfns = pageNumbers(r, count, ramPages, 'PAGES');
  return { gfns, data: r.bytes(count * PAGE_BYTES) };
}

/** ZERO_PAGES (and PAGE_REQUEST): page numbers only. */
export function encodePageList(gfns: readonly number[]): Uint8Array {
  const w = new BodyWriter().u32(gfns.length).u32(0);
  for (const g of gfns) w.u64(BigInt(g));
  return w.done();
}
export function decodePageList(body: Uint8Array, ramPages: number, what: string, max = MAX_PAGES_PER_RECORD * 8): number[] {
  const r = new BodyReader(body, what);
  const count = r.u32();
  if (r.u32() !== 0) throw new StreamError(`${what}: its reserved word is not zero`);
  if (count === 0 || count > max) throw new StreamError(`${what}: ${count} pages in one record (1..${max} allowed)`);
  if (r.left !== count * 8) throw new StreamError(`${what}: ${count} page numbers need ${count * 8} bytes, the record has ${r.left}`);
  return pageNumbers(r, count, ramPages, what);
}

function pageNumbers(r: BodyReader, count: number, ramPages: number, what: string): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const g = r.u64();
    if (g >= BigInt(ramPages)) throw new StreamError(`${what}: page 0x${g.toString(16)} is outside the VM's RAM of ${ramPages} pages`);
    out[i] = Number(g);
  }
  return out;
}

/** ROUND (optional): a pre-copy round finished. */
export interface Round { round: number; pages: number; bytes: number }
export const encodeRound = (x: Round): Uint8Array => new BodyWriter().u32(x.round).u32(x.pages).u64(BigInt(x.bytes)).done();

/** HART: a bare machine's whole hart and device state. */
export function encodeHart(h: HartState): Uint8Array {
  const w = new BodyWriter().u32(h.version).u32(h.state.length);
  for (const x of h.state) w.u64(x);
  return w.u32(h.rings.length).bytes(h.rings).done();
}
export function decodeHart(body: Uint8Array): HartState {
  const r = new BodyReader(body, 'HART');
  const version = r.u32(), words = r.u32();
  if (words > 8192) throw new StreamError(`HART: ${words} state words, more than any machine has`);
  const state = new BigUint64Array(words);
  for (let i = 0; i < words; i++) state[i] = r.u64();
  const n = r.u32();
  if (n > 65536) throw new StreamError(`HART: console rings of ${n} bytes, more than any machine has`);
  const rings = r.bytes(n).slice();
  r.end();
  return { version, state, rings };
}

/** CLOCK: the host clock the VM's time comes from, and when the source stopped it. */
export interface Clock { mtime: bigint; stopEpochMs: number; words: bigint[] }
export function encodeClock(c: Clock): Uint8Array {
  const w = new BodyWriter().u64(c.mtime).f64(c.stopEpochMs).u32(c.words.length);
  for (const x of c.words) w.u64(x);
  return w.done();
}
export function decodeClock(body: Uint8Array): Clock {
  const r = new BodyReader(body, 'CLOCK');
  const mtime = r.u64(), stopEpochMs = r.f64(), n = r.u32();
  if (!Number.isFinite(stopEpochMs)) throw new StreamError('CLOCK: the stop time is not a number');
  if (n > 64) throw new StreamError(`CLOCK: ${n} clock words`);
  const words = Array.from({ length: n }, () => r.u64());
  r.end();
  return { mtime, stopEpochMs, words };
}

/** POSTCOPY: the destination resumes with these pages not present (a bit per page). */
export function encodeBitmap(bits: Uint32Array, pages: number): Uint8Array {
  return new BodyWriter().u32(pages).bytes(new Uint8Array(bits.buffer, bits.byteOffset, Math.ceil(pages / 32) * 4)).done();
}
export function decodeBitmap(body: Uint8Array, ramPages: number, what: string): Uint32Array {
  const r = new BodyReader(body, what);
  const pages = r.u32();
  if (pages !== ramPages) throw new StreamError(`${what}: a bitmap of ${pages} pages for a VM of ${ramPages}`);
  const bytes = r.bytes(Math.ceil(pages / 32) * 4);
  r.end();
  const bits = new Uint32Array(Math.ceil(pages / 32));
  new Uint8Array(bits.buffer).set(bytes);
  if (pages % 32 !== 0 && bits[bits.length - 1] >>> (pages % 32) !== 0) throw new StreamError(`${what}: bits set past the last page`);
  return bits;
}

/** VMM, DEVICES, PV: state records as JSON. */
export const encodeStateRecord = (s: StateRecord): Uint8Array => encodeState(s);
export const decodeStateRecord = (body: Uint8Array, what: string): StateRecord => decodeState(body, what);

/** REFUSE, ABORT: why. */
export const encodeText = (s: string): Uint8Array => new BodyWriter().text(s.slice(0, 2000)).done();
export function decodeText(body: Uint8Array, what: string): string {
  const r = new BodyReader(body, what);
  const s = r.text(8000);
  r.end();
  return s;
}

/** RESUMED: when the destination resumed the guest (epoch milliseconds), and the guest's mtime then. */
export interface Resumed { epochMs: number; mtime: bigint }
export const encodeResumed = (x: Resumed): Uint8Array => new BodyWriter().f64(x.epochMs).u64(x.mtime).done();
export function decodeResumed(body: Uint8Array): Resumed {
  const r = new BodyReader(body, 'RESUMED');
  const epochMs = r.f64(), mtime = r.u64();
  r.end();
  if (!Number.isFinite(epochMs)) throw new StreamError('RESUMED: the time is not a number');
  return { epochMs, mtime };
}

/** END: how many records came before it, and their running checksum (format.ts chainCrc). */
export interface End { records: number; chain: number }
export const encodeEnd = (e: End): Uint8Array => new BodyWriter().u32(e.records).u32(e.chain).done();
/** Checks an END against the records that really came before it. */
export function checkEnd(body: Uint8Array, index: number, chain: number): void {
  const r = new BodyReader(body, 'END');
  const records = r.u32(), sent = r.u32();
  r.end();
  if (records !== index) throw new StreamError(`END: the source sent ${records} records before it, ${index} arrived: records were lost or repeated`);
  if (sent !== chain) throw new StreamError(`END: the records' running CRC32C is 0x${sent.toString(16)} at the source, 0x${chain.toString(16)} here: records were lost, repeated or reordered`);
}

/** Records with no body. */
export function expectEmpty(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw new StreamError(`${what}: ${body.length} bytes in a record that has none`);
}
