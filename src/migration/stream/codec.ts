/**
 * Record bodies: little-endian fields written in order, read back with every read bounds-checked
 * (a body too short or with bytes left over is corrupt), and the JSON form of state records, in
 * which 64-bit values travel as tagged strings so no precision is lost.
 */
import { StreamError } from './format.js';
import type { StateRecord, StateValue } from '../../vmm/state-reader.js';

export class BodyWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u32(v: number): this { this.room(4); this.view.setUint32(this.at, v >>> 0, true); this.at += 4; return this; }
  u64(v: bigint): this { this.room(8); this.view.setBigUint64(this.at, BigInt.asUintN(64, v), true); this.at += 8; return this; }
  f64(v: number): this { this.room(8); this.view.setFloat64(this.at, v, true); this.at += 8; return this; }
  bytes(b: Uint8Array): this { this.room(b.length); this.buf.set(b, this.at); this.at += b.length; return this; }
  /** A length-prefixed UTF-8 string. */
  text(s: string): this { const b = new TextEncoder().encode(s); return this.u32(b.length).bytes(b); }
  done(): Uint8Array { return this.buf.slice(0, this.at); }
}

export class BodyReader {
  private readonly view: DataView;
  private at = 0;
  constructor(private readonly body: Uint8Array, private readonly what: string) {
    this.view = new DataView(body.buffer, body.byteOffset, body.length);
  }
  private need(n: number): void {
    if (this.at + n > this.body.length) throw new StreamError(`${this.what}: the body ends after ${this.body.length} bytes, ${this.at + n} needed`);
  }
  u32(): number { this.need(4); const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  u64(): bigint { this.need(8); const v = this.view.getBigUint64(this.at, true); this.at += 8; return v; }
  f64(): number { this.need(8); const v = this.view.getFloat64(this.at, true); this.at += 8; return v; }
  bytes(n: number): Uint8Array { this.need(n); const b = this.body.subarray(this.at, this.at + n); this.at += n; return b; }
  text(max: number): string {
    const n = this.u32();
    if (n > max) throw new StreamError(`${this.what}: a text of ${n} bytes, more than the ${max} allowed`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(n));
    } catch (e) {
      if (e instanceof StreamError) throw e;
      throw new StreamError(`${this.what}: a text that is not UTF-8`);
    }
  }
  get left(): number { return this.body.length - this.at; }
  /** The body must have been read exactly. */
  end(): void { if (this.left !== 0) throw new StreamError(`${this.what}: ${this.left} bytes after its last field`); }
}

const U64 = 'u64:';

/** A state record as UTF-8 JSON (64-bit values as "u64:<hex>"). */
export function encodeState(state: StateRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(state, (_k, v) => (typeof v === 'bigint' ? U64 + v.toString(16) : v)));
}

/** The inverse of encodeState; a body that is not such JSON is refused, naming the record. */
export function decodeState(body: Uint8Array, what: string): StateRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body), (_k, v: unknown) => {
      if (typeof v === 'string' && v.startsWith(U64)) {
        const hex = v.slice(U64.length);
        if (!/^[0-9a-f]{1,16}$/.test(hex)) throw new StreamError(`${what}: "${v.slice(0, 40)}" is not a 64-bit value`);
        return BigInt('0x' + hex);
      }
      return v as StateValue;
    });
  } catch (e) {
    if (e instanceof StreamError) throw e;
    throw new StreamError(`${what}: not valid state (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new StreamError(`${what}: not a state record`);
  return parsed as StateRecord;
}
