/**
 * Migrated state as plain data, and a reader that checks every field as it takes it. A record
 * from another host is input like any other: a missing field, a value of the wrong kind or out of
 * range is refused with an error naming the record and the field, before anything uses it.
 */

/** 64-bit values as bigints; everything else as JSON has it. */
export type StateValue = bigint | number | string | boolean | StateValue[] | { [k: string]: StateValue };
export type StateRecord = { [k: string]: StateValue };

export class MigrationStateError extends Error {}

const U64_MAX = (1n << 64n) - 1n;

/** Bytes as base64, for a record field (in chunks: a spread of megabytes would overflow the stack). */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
/** The bytes of a base64 string, or undefined when it is not base64. */
export function fromBase64(s: string): Uint8Array | undefined {
  try { return Uint8Array.from(atob(s), (c) => c.charCodeAt(0)); } catch { return undefined; }
}

export class StateReader {
  constructor(private readonly fields: StateRecord, readonly what: string) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new MigrationStateError(`${what}: not a record`);
  }

  private get(name: string): StateValue {
    if (!Object.prototype.hasOwnProperty.call(this.fields, name)) throw this.bad(name, 'is missing');
    return this.fields[name];
  }
  private bad(name: string, why: string): MigrationStateError { return new MigrationStateError(`${this.what}: field ${name} ${why}`); }

  /** A 64-bit unsigned value. */
  u64(name: string): bigint {
    const v = this.get(name);
    if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw this.bad(name, 'is not a 64-bit value');
    return v;
  }
  /** An array of exactly `count` 64-bit values. */
  u64s(name: string, count: number): bigint[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length !== count || v.some((x) => typeof x !== 'bigint' || x < 0n || x > U64_MAX)) {
      throw this.bad(name, `is not ${count} 64-bit values`);
    }
    return v as bigint[];
  }
  /** An integer in [min, max]. */
  int(name: string, min: number, max: number): number {
    const v = this.get(name);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw this.bad(name, `is not an integer in ${min}..${max}`);
    return v;
  }
  /** A boolean. */
  bool(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== 'boolean') throw this.bad(name, 'is not true or false');
    return v;
  }
  /** One of the listed strings. */
  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.get(name);
    if (typeof v !== 'string' || !values.includes(v as T)) throw this.bad(name, `is not one of ${values.join(', ')}`);
    return v as T;
  }
  /** A string of at most `maxLength` characters. */
  string(name: string, maxLength: number): string {
    const v = this.get(name);
    if (typeof v !== 'string' || v.length > maxLength) throw this.bad(name, `is not a string of at most ${maxLength} characters`);
    return v;
  }
  /** Bytes given as a base64 string of at most `maxLength` characters. */
  bytes(name: string, maxLength: number): Uint8Array {
    const b = fromBase64(this.string(name, maxLength));
    if (!b) throw this.bad(name, 'is not base64');
    return b;
  }
  /** A map of 64-bit values keyed by the listed numbers (CSR numbers), every one present. */
  u64Map(name: string, keys: readonly number[]): Map<number, bigint> {
    const sub = this.record(name);
    return new Map(keys.map((k) => [k, sub.u64(String(k))]));
  }
  /** The record's field names. */
  keys(): string[] { return Object.keys(this.fields); }
  /** Whether the field is `false` (how a record says "none" for a field that is otherwise a value). */
  isFalse(name: string): boolean { return this.get(name) === false; }
  /** An array of at most `max` integers, each in [min, maxValue]. */
  ints(name: string, max: number, min: number, maxValue: number): number[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length > max || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min || x > maxValue)) {
      throw this.bad(name, `is not a list of at most ${max} integers in ${min}..${maxValue}`);
    }
    return v as number[];
  }
  /** An array of at most `max` strings, each of at most `maxLength` characters. */
  strings(name: string, max: number, maxLength: number): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length > max || v.some((x) => typeof x !== 'string' || x.length > maxLength)) throw this.bad(name, `is not a list of at most ${max} strings`);
    return v as string[];
  }
  /** An array of at most `max` records. */
  list(name: string, max: number): StateReader[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length > max) throw this.bad(name, `is not a list of at most ${max} records`);
    return v.map((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x) || typeof x === 'bigint') throw this.bad(`${name}[${i}]`, 'is not a record');
      return new StateReader(x as StateRecord, `${this.what}.${name}[${i}]`);
    });
  }
  /** A nested record. */
  record(name: string): StateReader {
    const v = this.get(name);
    if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof v === 'bigint') throw this.bad(name, 'is not a record');
    return new StateReader(v as StateRecord, `${this.what}.${name}`);
  }
}
