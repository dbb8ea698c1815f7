// The loader (src/loader): valid images parse exactly; each malformed file is refused with a
// LoadError whose code and message name the problem; random corruption never produces anything
// but a LoadError or a valid, self-consistent parse; the built guests parse with their symbols.
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseElf, parseImage, parseRaw, isElf, LoadError, type LoadErrorCode, type LoadedImage, type RamRange,
} from '../../src/loader/index.js';
import { buildElf, type ElfLayout } from '../helpers/elf-writer.js';

const RAM: RamRange = { base: 0x8000_0000n, size: 0x10_0000n }; // [0x80000000, 0x80100000)
const CODE = new Uint8Array([0x13, 0, 0, 0, 0x6f, 0, 0, 0]); // nop; j .
const DATA = new Uint8Array([1, 2, 3]);

/** Segment 0: code at 0x80000000 (8 bytes); segment 1: 3 data bytes in 0x100 at 0x80002000. */
const valid = () => buildElf({
  entry: 0x8000_0000n,
  segments: [{ paddr: 0x8000_0000n, data: CODE }, { paddr: 0x8000_2000n, data: DATA, memsz: 0x100n }],
  symbols: { tohost: 0x8000_1000n, fromhost: 0x8000_1008n, _start: 0x8000_0000n },
});

/** The valid file with `edit` applied. */
function patched(edit: (v: DataView, b: Uint8Array, l: ElfLayout) => void): Uint8Array {
  const { bytes, layout } = valid();
  edit(new DataView(bytes.buffer), bytes, layout);
  return bytes;
}

/** The error `parse` throws (failing the test if it returns or throws something else). */
function errorOf(parse: () => unknown): LoadError {
  try { parse(); } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return e as LoadError;
  }
  throw new Error('expected a LoadError, but the image was accepted');
}

/** Program header field offsets (add to phoff + 56 * index). */
const P = { type: 0, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40 };
/** Section header field offsets (add to shoff + 64 * index); section 1 is .symtab, 2 .strtab. */
const S = { type: 4, offset: 24, size: 32, link: 40 };
const ph = (l: ElfLayout, i: number, field: keyof typeof P) => l.phoff + 56 * i + P[field];
const sh = (l: ElfLayout, i: number, field: keyof typeof S) => l.shoff + 64 * i + S[field];

describe('parseElf on a valid file', () => {
  it('gives the exact segments, entry and symbols', () => {
    const input = valid().bytes;
    const img = parseElf(input, RAM);
    expect(img.format).toBe('elf');
    expect(img.entry).toBe(0x8000_0000n);
    expect(img.segments.map((s) => ({ paddr: s.paddr, data: [...s.data], memsz: s.memsz }))).toEqual([
      { paddr: 0x8000_0000n, data: [...CODE], memsz: 8n },
      { paddr: 0x8000_2000n, data: [...DATA], memsz: 0x100n },
    ]);
    expect(img.symbols).toEqual(new Map([['tohost', 0x8000_1000n], ['fromhost', 0x8000_1008n], ['_start', 0x8000_0000n]]));
    input.fill(0); // segment data is a copy
    expect([...img.segments[0].data]).toEqual([...CODE]);
  });

  it('loads at p_paddr, not p_vaddr, and skips non-PT_LOAD and empty segments', () => {
    const { bytes } = buildElf({
      entry: 0x8000_0000n,
      segments: [
        { paddr: 0n, data: new Uint8Array([9, 9]), memsz: 0n, type: 0x7000_0003 }, // RISCV_ATTRIBUTES
        { paddr: 0x8000_0000n, vaddr: 0xffff_ffff_8000_0000n, data: CODE },
        { paddr: 0x9000_0000n, data: new Uint8Array(0), memsz: 0n }, // PT_LOAD, nothing in memory
      ],
    });
    const img = parseElf(bytes, RAM);
    expect(img.segments.map((s) => s.paddr)).toEqual([0x8000_0000n]);
  });

  it('accepts an entry point in the zero-filled part of a segment, not one just past it', () => {
    expect(parseElf(patched((v) => v.setBigUint64(24, 0x8000_20ffn, true)), RAM).entry).toBe(0x8000_20ffn);
    expect(errorOf(() => parseElf(patched((v) => v.setBigUint64(24, 0x8000_2100n, true)), RAM)).code).toBe('entry-outside-loaded');
  });

  it('accepts a segment that ends exactly at the end of RAM', () => {
    const { bytes } = buildElf({ entry: 0x800f_fff8n, segments: [{ paddr: 0x800f_fff8n, data: CODE }] });
    expect(parseElf(bytes, RAM).segments[0].paddr).toBe(0x800f_fff8n);
  });

  it('has no symbols and no error when there are no section headers', () => {
    const { bytes } = buildElf({ entry: 0x8000_0000n, segments: [{ paddr: 0x8000_0000n, data: CODE }], noSections: true });
    expect(parseElf(bytes, RAM).symbols.size).toBe(0);
  });

  it('prefers a global symbol over locals of the same name, and skips undefined symbols', () => {
    const { bytes, layout } = buildElf({
      entry: 0x8000_0000n,
      segments: [{ paddr: 0x8000_0000n, data: CODE }],
      locals: { loop: 0x8000_0004n, main: 0x8000_0010n },
      symbols: { main: 0x8000_0000n, weak_undef: 0n },
    });
    new DataView(bytes.buffer).setUint16(layout.symoff + 4 * 24 + 6, 0, true); // weak_undef: SHN_UNDEF
    expect(parseElf(bytes, RAM).symbols).toEqual(new Map([['loop', 0x8000_0004n], ['main', 0x8000_0000n]]));
  });
});

/** One minimal corruption per case, the code it must produce, and what the message must say. */
type Case = [what: string, parse: () => unknown, mentions: RegExp];
const elf = (b: Uint8Array) => () => parseElf(b, RAM);
const image = (b: Uint8Array) => () => parseImage(b, RAM);
const TOP = 0xffff_ffff_ffff_f000n; // near 2^64: a wrapping 64-bit sum would come out small

const CASES: Record<LoadErrorCode, Case[]> = {
  'truncated-header': [['40 bytes', image(valid().bytes.slice(0, 40)), /40 bytes \(0x28\).*64-byte/]],
  'bad-magic': [['"\\x7fEL\\0"', elf(patched((_, b) => { b[3] = 0; })), /7f 45 4c 00/]],
  'wrong-class': [
    ['ELFCLASS32', image(patched((_, b) => { b[4] = 1; })), /class 1 /],
    ['e_ehsize 52', image(patched((v) => v.setUint16(52, 52, true))), /header size 52 \(0x34\)/],
  ],
  'wrong-endianness': [['big-endian', image(patched((_, b) => { b[5] = 2; })), /encoding 2 /]],
  'wrong-machine': [['x86-64', image(patched((v) => v.setUint16(18, 62, true))), /machine 62 \(0x3e\)/]],
  'wrong-type': [['ET_DYN', image(patched((v) => v.setUint16(16, 3, true))), /type 3 \(0x3\)/]],
  'bad-program-headers': [
    ['e_phentsize 32', image(patched((v) => v.setUint16(54, 32, true))), /entry size 32 \(0x20\)/],
    ['table past the end', image(patched((v) => v.setBigUint64(32, 0x1000n, true))), /\[0x1000, 0x1070\).*0x[0-9a-f]+-byte file/],
    ['e_phoff near 2^64', image(patched((v) => v.setBigUint64(32, TOP, true))), /\[0xfffffffffffff000, /],
  ],
  'segment-truncated': [
    ['offset past the end', image(patched((v, _, l) => v.setBigUint64(ph(l, 0, 'offset'), 0x10_0000n, true))), /segment 0: file range \[0x100000, 0x100008\)/],
    ['offset near 2^64', image(patched((v, _, l) => v.setBigUint64(ph(l, 1, 'offset'), 0xffff_ffff_ffff_fffen, true))), /segment 1: file range \[0xfffffffffffffffe, 0x10000000000000001\)/],
  ],
  'segment-filesz-gt-memsz': [
    ['filesz 0x200 > memsz 0x100', image(patched((v, _, l) => v.setBigUint64(ph(l, 1, 'filesz'), 0x200n, true))), /segment 1: file size 0x200 exceeds memory size 0x100/],
  ],
  'segment-outside-ram': [
    ['below RAM', image(patched((v, _, l) => v.setBigUint64(ph(l, 0, 'paddr'), 0x7fff_f000n, true))),
      /^segment 0 \[0x7ffff000, 0x7ffff008\) lies outside RAM \[0x80000000, 0x80100000\)$/],
    ['past the end of RAM', image(patched((v, _, l) => v.setBigUint64(ph(l, 1, 'memsz'), 0x20_0000n, true))), /segment 1 \[0x80002000, 0x80202000\)/],
    ['wrapping past 2^64', image(patched((v, _, l) => { v.setBigUint64(ph(l, 1, 'paddr'), TOP, true); v.setBigUint64(ph(l, 1, 'memsz'), 0x8000_2000n, true); })),
      /segment 1 \[0xfffffffffffff000, 0x10000000080001000\)/],
  ],
  'overlapping-segments': [
    ['segment 1 inside segment 0', image(patched((v, _, l) => v.setBigUint64(ph(l, 1, 'paddr'), 0x8000_0004n, true))),
      /segment 1 \[0x80000004, 0x80000104\) overlaps segment 0 \[0x80000000, 0x80000008\)/],
    ['segment 0 starting inside segment 1', image(patched((v, _, l) => v.setBigUint64(ph(l, 0, 'paddr'), 0x8000_20f8n, true))),
      /segment 1 \[0x80002000, 0x80002100\) overlaps segment 0 \[0x800020f8, 0x80002100\)/],
  ],
  'entry-outside-loaded': [['entry in a gap', image(patched((v) => v.setBigUint64(24, 0x8000_1000n, true))), /entry point 0x80001000 .*\[0x80000000, 0x80000008\), \[0x80002000, 0x80002100\)/]],
  'no-loadable-segments': [
    ['no PT_LOAD', image(patched((v, _, l) => { v.setUint32(ph(l, 0, 'type'), 4, true); v.setUint32(ph(l, 1, 'type'), 4, true); })), /none of the 2 program headers/],
    ['e_phnum 0', image(patched((v) => v.setUint16(56, 0, true))), /no program headers/],
  ],
  'bad-section-headers': [
    ['e_shentsize 40', image(patched((v) => v.setUint16(58, 40, true))), /entry size 40 \(0x28\)/],
    ['table past the end', image(patched((v, b) => v.setBigUint64(40, BigInt(b.length - 64), true))), /section header table \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(4 entries\) runs past/],
  ],
  'bad-symbol-table': [
    ['sh_link out of range', image(patched((v, _, l) => v.setUint32(sh(l, 1, 'link'), 9, true))), /links to section 9, but there are only 4/],
    ['sh_link to SHT_NULL', image(patched((v, _, l) => v.setUint32(sh(l, 1, 'link'), 0, true))), /section 0, which is of type 0x0, not a string table/],
    ['.symtab past the end', image(patched((v, _, l) => v.setBigUint64(sh(l, 1, 'size'), 0x10_0000n, true))), /symbol table \(section 1\): \[0x[0-9a-f]+, 0x[0-9a-f]+\) runs past/],
    ['.symtab size 0x25', image(patched((v, _, l) => v.setBigUint64(sh(l, 1, 'size'), 0x25n, true))), /size 0x25 is not a multiple/],
    ['.strtab past the end', image(patched((v, _, l) => v.setBigUint64(sh(l, 2, 'offset'), 0x10_0000n, true))), /string table \(section 2\) \[0x100000, /],
    ['name offset outside .strtab', image(patched((v, _, l) => v.setUint32(l.symoff + 24, 0x1000, true))), /symbol 1's name at string offset 0x1000/],
    ['name without its NUL', image(patched((v, b, l) => { b[l.stroff + Number(v.getBigUint64(sh(l, 2, 'size'), true)) - 1] = 0x41; })), /not a NUL-terminated string/],
  ],
  'image-too-large': [['one byte more than RAM', image(new Uint8Array(0x10_0001)), /0x100001-byte image does not fit in the 0x100000 bytes of RAM/]],
  'empty-image': [['0 bytes', image(new Uint8Array(0)), /empty/]],
};

describe('malformed images', () => {
  for (const [code, cases] of Object.entries(CASES)) {
    for (const [what, parse, mentions] of cases) {
      it(`${code}: ${what}`, () => {
        const e = errorOf(parse);
        expect(e.code).toBe(code);
        expect(e.name).toBe('LoadError');
        expect(e.message).toMatch(mentions);
        expect(e.message).not.toMatch(/undefined|NaN/);
      });
    }
  }
});

/** mulberry32: a small fixed-seed PRNG, so every run mutates the same way. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
}

/** Checks that an accepted image keeps every promise a LoadedImage makes. */
function checkConsistent(img: LoadedImage): void {
  const end = (s: LoadedImage['segments'][number]) => s.paddr + s.memsz;
  for (const s of img.segments) {
    expect(s.paddr >= RAM.base && end(s) <= RAM.base + RAM.size && s.memsz > 0n && BigInt(s.data.length) <= s.memsz).toBe(true);
  }
  const sorted = [...img.segments].sort((a, b) => (a.paddr < b.paddr ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) expect(sorted[i].paddr >= end(sorted[i - 1])).toBe(true);
  expect(img.segments.some((s) => img.entry >= s.paddr && img.entry < end(s))).toBe(true);
}

/** Parses `bytes`; anything thrown must be a LoadError. Returns the code, or 'ok'. */
function outcome(bytes: Uint8Array): string {
  try {
    checkConsistent(parseImage(bytes, RAM));
    return 'ok';
  } catch (e) {
    if (!(e instanceof LoadError)) throw new Error(`non-LoadError on input ${[...bytes.subarray(0, 128)]}: ${e}`);
    return e.code;
  }
}

describe('fuzzing', () => {
  const edges = [0n, 1n, 8n, 56n, 64n, 0xffffn, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x8000_0000_0000_0000n, 0xffff_ffff_ffff_ffffn];

  /** Mutates a copy of `base`: random bytes, biased to the headers, or 16/32/64-bit fields set to edge values. */
  function mutate(base: Uint8Array, rnd: (n: number) => number, hot: number[]): Uint8Array {
    const b = base.slice();
    const v = new DataView(b.buffer);
    for (let k = 1 + rnd(4); k > 0; k--) {
      const at = rnd(3) === 0 ? rnd(b.length) : Math.min(b.length - 1, hot[rnd(hot.length)] + rnd(64));
      const e = edges[rnd(edges.length)];
      switch (rnd(4)) {
        case 0: b[at] = rnd(256); break;
        case 1: b[at] ^= 1 << rnd(8); break;
        case 2: if (at + 8 <= b.length) v.setBigUint64(at & ~7, e, true); break;
        default: if (at + 4 <= b.length) v.setUint32(at & ~3, Number(e & 0xffff_ffffn), true);
      }
    }
    return rnd(4) === 0 ? b.slice(0, rnd(b.length + 1)) : b;
  }

  it('2000 mutations and truncations of a valid file give only LoadErrors or consistent images', () => {
    const rnd = prng(0x5eed);
    const { bytes, layout } = valid();
    const hot = [0, layout.phoff, layout.phoff + 56, layout.shoff, layout.shoff + 64, layout.shoff + 128, layout.symoff, layout.stroff];
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const code = outcome(i % 4 === 3 ? bytes.slice(0, rnd(bytes.length + 1)) : mutate(bytes, rnd, hot));
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    // The mutations reach deep into the parser, not just the magic check.
    for (const code of ['ok', 'truncated-header', 'bad-program-headers', 'segment-truncated', 'segment-outside-ram', 'bad-section-headers', 'bad-symbol-table']) {
      expect(seen.get(code), `no input gave ${code}: ${[...seen]}`).toBeGreaterThan(0);
    }
  });

  it('1000 random byte arrays (half with a plausible ELF64 RISC-V header) give only LoadErrors or consistent images', () => {
    const rnd = prng(42);
    for (let i = 0; i < 1000; i++) {
      const b = new Uint8Array(rnd(i % 2 ? 600 : 80)).map(() => rnd(256));
      if (i % 2 && b.length >= 64) {
        b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
        const v = new DataView(b.buffer);
        v.setUint16(16, 2, true); v.setUint16(18, 243, true); v.setUint16(52, 64, true);
        v.setUint16(54, 56, true); v.setUint16(56, 1 + rnd(8), true); v.setBigUint64(32, BigInt(rnd(b.length)), true);
        v.setUint16(58, 64, true); v.setUint16(60, rnd(6), true); v.setBigUint64(40, BigInt(rnd(b.length)), true);
      }
      outcome(b);
    }
  });

  it('stays fast on a hostile file: 65535 one-byte segments, sorted overlap check', () => {
    const n = 65535;
    const { bytes } = buildElf({
      entry: 0x8000_0000n,
      segments: Array.from({ length: n }, (_, i) => ({ paddr: 0x8000_0000n + BigInt(i), data: new Uint8Array(0), memsz: 1n })),
      noSections: true,
    });
    const t = performance.now();
    expect(parseElf(bytes, RAM).segments.length).toBe(n);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe('raw images and dispatch', () => {
  it('puts a raw image, copied, at the start of RAM with no symbols', () => {
    const input = CODE.slice();
    const img = parseRaw(input, RAM);
    expect(img).toEqual({ entry: RAM.base, segments: [{ paddr: RAM.base, data: CODE, memsz: 8n }], symbols: new Map(), format: 'raw' });
    input.fill(0);
    expect([...img.segments[0].data]).toEqual([...CODE]);
    expect(parseRaw(new Uint8Array(0x10_0000), RAM).segments[0].memsz).toBe(0x10_0000n); // exactly fills RAM
  });

  it('parseImage: ELF by magic (a damaged ELF is refused, never run raw), anything else raw', () => {
    expect(isElf(valid().bytes)).toBe(true);
    expect(isElf(new Uint8Array([0x7f, 0x45, 0x4c]))).toBe(false);
    expect(parseImage(valid().bytes, RAM).format).toBe('elf');
    expect(parseImage(CODE, RAM).format).toBe('raw');
    expect(parseImage(new Uint8Array([0x7f, 0x45, 0x4c]), RAM).format).toBe('raw');
    expect(errorOf(() => parseImage(valid().bytes.slice(0, 4), RAM)).code).toBe('truncated-header');
  });

  it('uses no Node-only API, so it runs unchanged in a browser', () => {
    const dir = join(import.meta.dirname, '..', '..', 'src', 'loader');
    for (const f of readdirSync(dir)) {
      expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/from 'node:|require\(|\bBuffer\b|\bprocess\./);
    }
  });
});

const GUESTS = join(import.meta.dirname, '..', '..', 'guests', 'build');
const PV_KERNELS = new Set(['minios-pv.elf']);
const guestFiles = existsSync(GUESTS) ? readdirSync(GUESTS).filter((f) => f.endsWith('.elf')).sort() : [];

describe('built guest images (guests/build/*.elf)', () => {
  if (guestFiles.length === 0) {
    it.skip('no guests/build/*.elf yet: build them with `npm run build:guests` (needs a RISC-V cross toolchain)', () => {});
  }
  for (const f of guestFiles) {
    // A PV kernel has no tohost: it cannot reach HTIF and leaves by SCHEDOP_shutdown (docs/PV.md).
    const pv = PV_KERNELS.has(f);
    it(`${f} parses with ${pv ? 'no tohost (a PV kernel)' : 'tohost'} and _start (the entry point)`, () => {
      const img = parseElf(readFileSync(join(GUESTS, f)), { base: 0x8000_0000n, size: 128n << 20n });
      expect(img.symbols.get('_start')).toBe(img.entry);
      if (pv) { expect(img.symbols.get('tohost')).toBeUndefined(); return; }
      const tohost = img.symbols.get('tohost');
      expect(tohost).toBeDefined();
      expect(img.segments.some((s) => tohost! >= s.paddr && tohost! < s.paddr + s.memsz)).toBe(true);
    });
  }
  it.runIf(guestFiles.length > 0)('500 mutations of a real guest give only LoadErrors or consistent images', () => {
    const rnd = prng(7);
    const bytes = new Uint8Array(readFileSync(join(GUESTS, guestFiles[0])));
    const v = new DataView(bytes.buffer);
    const shoff = Number(v.getBigUint64(40, true));
    for (let i = 0; i < 500; i++) {
      const b = bytes.slice();
      for (let k = 1 + rnd(3); k > 0; k--) b[rnd(3) ? [rnd(64), 64 + rnd(56 * 4), shoff + rnd(640)][rnd(3)] % b.length : rnd(b.length)] = rnd(256);
      outcome(b);
    }
  });
});

describe('boot', () => {
  it('refuses a bad file before any machine is loaded', async () => {
    const { boot } = await import('../../src/machine/boot.js');
    const { bytes, layout } = buildElf({ entry: 0x8000_0000n, segments: [{ paddr: 0x8000_0000n, data: new Uint8Array([0x13, 0, 0, 0]) }] });
    new DataView(bytes.buffer).setBigUint64(layout.phoff + 24, 0x9000_0000n, true); // segment outside RAM
    await expect(boot(bytes, { ramBytes: 0x10_0000 })).rejects.toBeInstanceOf(LoadError);
  });
});
