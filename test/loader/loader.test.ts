// The loader: valid images parse exactly; every malformed file is refused with a LoadError that
// names the problem; random corruption never produces anything but a LoadError or a valid parse.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseElf, parseImage, parseRaw, LoadError, type LoadErrorCode } from '../../src/loader/index.js';
import { boot } from '../../src/machine/boot.js';
import { buildElf } from '../helpers/elf-writer.js';
import { guestNames, guestPath } from '../helpers/guests.js';
import { Rng } from '../helpers/random-program.js';

const RAM = { base: 0x8000_0000n, size: 0x10_0000n };
const code = new Uint8Array([0x13, 0, 0, 0, 0x6f, 0, 0, 0]); // nop; j .
const valid = () => buildElf({
  entry: 0x8000_0000n,
  segments: [{ paddr: 0x8000_0000n, data: code }, { paddr: 0x8000_2000n, data: new Uint8Array([1, 2, 3]), memsz: 0x100n }],
  symbols: { tohost: 0x8000_1000n, fromhost: 0x8000_1008n, _start: 0x8000_0000n },
});

function refused(bytes: Uint8Array, code: LoadErrorCode, mentions?: RegExp): void {
  let error: unknown;
  try { parseElf(bytes, RAM); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).code).toBe(code);
  if (mentions) expect((error as LoadError).message).toMatch(mentions);
}

function patched(edit: (v: DataView, b: Uint8Array, layout: ReturnType<typeof valid>['layout']) => void): Uint8Array {
  const { bytes, layout } = valid();
  edit(new DataView(bytes.buffer), bytes, layout);
  return bytes;
}

describe('ELF loader', () => {
  it('parses segments, entry and symbols exactly', () => {
    const img = parseElf(valid().bytes, RAM);
    expect(img.entry).toBe(0x8000_0000n);
    expect(img.segments.map((s) => [s.paddr, s.data.length, s.memsz])).toEqual([[0x8000_0000n, 8, 8n], [0x8000_2000n, 3, 0x100n]]);
    expect([...img.segments[0].data]).toEqual([...code]);
    expect(img.symbols.get('tohost')).toBe(0x8000_1000n);
    expect(img.symbols.get('fromhost')).toBe(0x8000_1008n);
  });

  it('refuses each kind of malformed file with a message naming the problem', () => {
    refused(valid().bytes.slice(0, 40), 'truncated-header', /40 bytes/);
    refused(patched((_, b) => { b[1] = 0; }), 'bad-magic');
    refused(patched((_, b) => { b[4] = 1; }), 'wrong-class', /class 1/);
    refused(patched((_, b) => { b[5] = 2; }), 'wrong-endianness');
    refused(patched((v) => v.setUint16(18, 62, true)), 'wrong-machine', /62/);
    refused(patched((v) => v.setUint16(16, 3, true)), 'wrong-type', /type 3/);
    refused(patched((v) => v.setBigUint64(32, 0xffff_ffffn, true)), 'bad-program-headers');
    refused(patched((v) => v.setUint16(54, 32, true)), 'bad-program-headers', /32/);
    refused(patched((v, _, l) => v.setBigUint64(l.phoff + 8, 0x10_0000n, true)), 'segment-truncated', /segment 0/);
    refused(patched((v, _, l) => v.setBigUint64(l.phoff + 56 + 32, 0x200n, true)), 'segment-filesz-gt-memsz', /segment 1/);
    refused(patched((v, _, l) => v.setBigUint64(l.phoff + 24, 0x7fff_f000n, true)), 'segment-outside-ram', /0x7ffff000.*0x80000000, 0x80100000/);
    refused(patched((v, _, l) => v.setBigUint64(l.phoff + 56 + 40, 0x20_0000n, true)), 'segment-outside-ram');
    refused(patched((v, _, l) => v.setBigUint64(l.phoff + 56 + 24, 0x8000_0004n, true)), 'overlapping-segments', /overlaps/);
    refused(patched((v) => v.setBigUint64(24, 0x8000_1000n, true)), 'entry-outside-loaded', /0x80001000/);
    refused(patched((v, _, l) => { v.setUint32(l.phoff, 4, true); v.setUint32(l.phoff + 56, 4, true); }), 'no-loadable-segments');
    refused(patched((v) => v.setBigUint64(40, 0xffff_fff0n, true)), 'bad-section-headers');
    refused(patched((v, _, l) => v.setUint32(l.shoff + 64 + 40, 9, true)), 'bad-symbol-table', /links to section 9/);
    refused(patched((v, _, l) => v.setUint32(l.symoff + 24, 0x1000, true)), 'bad-symbol-table');
  });

  it('has no symbols when there are no section headers, and that is fine', () => {
    const img = parseElf(patched((v) => { v.setBigUint64(40, 0n, true); v.setUint16(60, 0, true); }), RAM);
    expect(img.symbols.size).toBe(0);
  });

  it('never throws anything but LoadError on corrupted or random input', () => {
    const rng = new Rng(7);
    const { bytes } = valid();
    for (let i = 0; i < 3000; i++) {
      const b = i % 3 === 0 ? new Uint8Array(rng.int(300)).map(() => rng.int(256)) : bytes.slice(0, i % 3 === 1 ? rng.int(bytes.length) : bytes.length);
      if (i % 3 === 2) for (let k = 0; k < 1 + rng.int(4); k++) b[rng.int(b.length)] = rng.int(256);
      try { parseImage(b, RAM); } catch (e) { expect(e).toBeInstanceOf(LoadError); }
    }
  });
});

describe('raw images and dispatch', () => {
  it('loads raw bytes at the start of RAM', () => {
    const img = parseImage(code, RAM);
    expect(img.format).toBe('raw');
    expect(img.entry).toBe(RAM.base);
    expect(img.segments[0].paddr).toBe(RAM.base);
  });
  it('refuses empty and oversized raw images', () => {
    expect(() => parseRaw(new Uint8Array(0), RAM)).toThrow(/empty/);
    expect(() => parseRaw(new Uint8Array(0x10_0001), RAM)).toThrow(/does not fit/);
  });
  it('leaves nothing behind when boot refuses a file', async () => {
    const bad = patched((v, _, l) => v.setBigUint64(l.phoff + 56 + 24, 0x9000_0000n, true));
    await expect(boot(bad, { ramBytes: 0x10_0000 })).rejects.toBeInstanceOf(LoadError);
  });
});

describe.skipIf(guestNames().length === 0)('committed guest images', () => {
  for (const name of guestNames()) {
    it(`${name} parses with tohost and an entry in RAM`, () => {
      const img = parseElf(readFileSync(guestPath(name)), { base: 0x8000_0000n, size: 128n << 20n });
      expect(img.symbols.has('tohost')).toBe(true);
      expect(img.entry).toBeGreaterThanOrEqual(0x8000_0000n);
    });
  }
});
