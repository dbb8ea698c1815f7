/** Parsers for CLI option values: each throws InvalidArgumentError with a message naming the problem. */
import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "128M", "1G", "65536K", "4096" -> bytes (a positive multiple of 4096, at most 2 GiB). */
export function parseSize(text: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size like 128M, 1G or 65536K`);
  const bytes = Number(m[1]) * UNITS[m[2].toUpperCase()];
  if (bytes <= 0 || bytes % 4096 !== 0) throw new InvalidArgumentError(`${text} is not a positive multiple of 4 KiB`);
  if (bytes > 2 * 1024 ** 3) throw new InvalidArgumentError(`${text} is more than the 2 GiB of RAM vmlab supports`);
  return bytes;
}

/** A positive integer, with optional _ or , separators and k/M/G suffixes (decimal). */
export function parseCount(text: string): number {
  const m = /^(\d[\d_,]*)([kMG]?)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a positive count like 1000000 or 50M`);
  const n = Number(m[1].replace(/[_,]/g, '')) * ({ '': 1, k: 1e3, M: 1e6, G: 1e9 } as Record<string, number>)[m[2]];
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`"${text}" is not a positive count`);
  return n;
}

export function parseTimebase(text: string): 'insn' | 'wall' {
  if (text !== 'insn' && text !== 'wall') throw new InvalidArgumentError(`timebase must be "insn" or "wall", not "${text}"`);
  return text;
}

/** "64x4" -> a TLB of 64 entries in 4 ways (checked further by the machine). */
export function parseTlb(text: string): { entries: number; ways: number } {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a TLB geometry like 64x4 (entries x ways)`);
  return { entries: Number(m[1]), ways: Number(m[2]) };
}

/** "fault" (Svade, the default) or "hardware": what the walker does with A/D bits. */
export function parseAd(text: string): boolean {
  if (text !== 'fault' && text !== 'hardware') throw new InvalidArgumentError(`A/D handling must be "fault" or "hardware", not "${text}"`);
  return text === 'hardware';
}

/** "none", "pwc", "ntlb" or "pwc,ntlb": the walk accelerators to turn on. */
export function parseWalkCaches(text: string): { pwc: boolean; ntlb: boolean } {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p && p !== 'none');
  const bad = parts.find((p) => p !== 'pwc' && p !== 'ntlb');
  if (bad) throw new InvalidArgumentError(`unknown walk cache "${bad}": use pwc, ntlb, both separated by a comma, or none`);
  return { pwc: parts.includes('pwc'), ntlb: parts.includes('ntlb') };
}

/** "a,b,c" -> the names, each one of `known` (duplicates dropped, order kept). */
export function parseList<T extends string>(text: string, known: readonly T[], what: string): T[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`no ${what} given`);
  for (const n of names) if (!known.includes(n as T)) throw new InvalidArgumentError(`unknown ${what} "${n}" (known: ${known.join(', ')})`);
  return [...new Set(names)] as T[];
}

/** A TCP port, 0..65535. */
export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) throw new InvalidArgumentError(`"${text}" is not a TCP port (0..65535)`);
  return n;
}

/** "host:port" (the host may be omitted: 127.0.0.1). */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not host:port`);
  const port = parsePort(m[2]);
  if (port === 0) throw new InvalidArgumentError('port 0 cannot be connected to');
  return { host: m[1] || '127.0.0.1', port };
}

/** Repeatable "symbol=value" (decimal or 0x hex) into one record. */
export function parsePokes(text: string, previous: Record<string, bigint> = {}): Record<string, bigint> {
  const m = /^([A-Za-z_.$][\w.$]*)=(0x[0-9a-fA-F]+|\d+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not symbol=value (a decimal or 0x number)`);
  return { ...previous, [m[1]]: BigInt(m[2]) };
}

/** Milliseconds: a positive number. */
export function parseMs(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${text}" is not a positive number of milliseconds`);
  return n;
}

/** A rate in bytes per second: "128M", "1G", "500K" or a number. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)(?:i?B)?(?:\/s)?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a rate like 128M (bytes per second)`);
  const n = Number(m[1]) * UNITS[m[2].toUpperCase()];
  if (!(n > 0)) throw new InvalidArgumentError(`"${text}" is not a positive rate`);
  return n;
}
