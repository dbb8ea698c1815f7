/**
 * CRC32C (Castagnoli), the stream's checksum. In Node the SIMD implementation of @node-rs/crc32
 * (about 5 GB/s here; a record's checksum must not be what limits a 128 MiB/s stream); where its
 * native binding cannot load (a browser), the portable @aws-crypto/crc32c (about 90 MB/s).
 */
import { crc32c as portable } from '@aws-crypto/crc32c';

type Crc = (data: Uint8Array, initial?: number) => number;

async function fastest(): Promise<Crc> {
  try {
    const native = (await import('@node-rs/crc32')).crc32c as (d: Uint8Array, i?: number | null) => number;
    if (native(new TextEncoder().encode('123456789')) === 0xe3069283) return (d, i) => native(d, i ?? null);
  } catch { /* no native binding here */ }
  return (d, i) => {
    if (i === undefined) return portable(d) >>> 0;
    throw new Error('the portable CRC32C has no incremental form');
  };
}

const impl = await fastest();

/** CRC32C of the parts, as if they were one buffer. */
export function crc32c(...parts: Uint8Array[]): number {
  if (parts.length === 1) return impl(parts[0]) >>> 0;
  try {
    let c: number | undefined;
    for (const p of parts) c = impl(p, c);
    return (c ?? 0) >>> 0;
  } catch {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return portable(all) >>> 0;
  }
}
