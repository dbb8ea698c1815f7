/**
 * Fetching the guest image a cell names (`ImageRef`): a file path, a `file:` URL or an `http(s):`
 * URL, checked against its SHA-256 and kept per process, so a worker reads each image once.
 */
import { readFile } from 'node:fs/promises';
import { checkImage, type ImageRef } from '../compare/cell.js';

const cache = new Map<string, Promise<Uint8Array>>();

/** The bytes of `ref`, fetched once per process; throws when they are not the bytes it names. */
export function imageBytes(ref: ImageRef): Promise<Uint8Array> {
  const key = `${ref.sha256} ${ref.uri}`;
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = fetchImage(ref.uri).then(async (b) => { await checkImage(ref, b); return b; });
    bytes.catch(() => cache.delete(key)); // a failure is not remembered
    cache.set(key, bytes);
  }
  return bytes;
}

async function fetchImage(uri: string): Promise<Uint8Array> {
  if (/^https?:/.test(uri)) {
    const response = await fetch(uri);
    if (!response.ok) throw new Error(`image ${uri}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  return new Uint8Array(await readFile(uri.startsWith('file:') ? new URL(uri) : uri));
}
