/**
 * ELF64 little-endian RISC-V executables: PT_LOAD segments (at their physical addresses, as QEMU
 * loads -kernel images), the entry point and the symbol table. Parsing only: every check runs
 * before the caller copies anything, so a bad file is never half-loaded. Browser-safe (no Node
 * APIs); every offset and address is a BigInt, so no 64-bit arithmetic can wrap.
 */
import { LoadError, hex } from './errors.js';

/** Where guest RAM is: every loaded segment must lie inside [base, base + size). */
export interface RamRange { base: bigint; size: bigint }

/** One loadable segment: `data` (a copy of its file bytes) goes at `paddr`; the rest of `memsz` is zero-filled. */
export interface Segment { paddr: bigint; data: Uint8Array; memsz: bigint }

/** A parsed, fully validated image, ready to copy into a machine. */
export interface LoadedImage {
  /** Where the hart starts; inside one of `segments`. */
  entry: bigint;
  /** Non-overlapping, inside RAM, in program-header order. */
  segments: Segment[];
  /** Named symbols and their values (`tohost`, `fromhost`, `_start`, …); empty for raw images. */
  symbols: Map<string, bigint>;
  format: 'elf' | 'raw';
}

const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;
const ELFCLASS64 = 2, ELFDATA2LSB = 1, EM_RISCV = 243, ET_EXEC = 2, PT_LOAD = 1;
const SHT_SYMTAB = 2, SHT_STRTAB = 3, STT_SECTION = 3, STT_FILE = 4, STB_LOCAL = 0, SHN_UNDEF = 0;
const MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** True when the bytes start with the ELF magic `\x7fELF` (nothing else is checked). */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Decimal with hex, for counts and enumerations: `52 (0x34)`. */
const num = (n: number): string => `${n} (${hex(n)})`;

/**
 * Parses and validates an ELF64 little-endian RISC-V executable (ET_EXEC) for a machine whose RAM
 * is `ram`. Only PT_LOAD segments with a non-zero memory size are kept, at their `p_paddr`.
 * Throws a {@link LoadError} (never anything else) naming the first problem found: the header
 * (size, magic, class and header size, data encoding, machine, type), the program header table,
 * each segment (within the file, filesz <= memsz, inside RAM, not overlapping another), the entry
 * point (inside a loaded segment) and, when there is one, the symbol table.
 */
export function parseElf(bytes: Uint8Array, ram: RamRange): LoadedImage {
  if (bytes.length < EHDR_SIZE) {
    throw new LoadError('truncated-header', `the file is ${bytes.length} bytes (${hex(bytes.length)}), shorter than the 64-byte (0x40) ELF64 header`);
  }
  if (!isElf(bytes)) {
    const seen = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new LoadError('bad-magic', `not an ELF file: magic number is ${seen}, not 7f 45 4c 46`);
  }
  if (bytes[4] !== ELFCLASS64) throw new LoadError('wrong-class', `ELF class ${bytes[4]} is not ELFCLASS64 (2)`);
  if (bytes[5] !== ELFDATA2LSB) throw new LoadError('wrong-endianness', `ELF data encoding ${bytes[5]} is not little-endian (ELFDATA2LSB, 1)`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(16, true), machine = v.getUint16(18, true), ehsize = v.getUint16(52, true);
  if (machine !== EM_RISCV) throw new LoadError('wrong-machine', `ELF machine ${num(machine)} is not RISC-V (EM_RISCV, 243)`);
  if (type !== ET_EXEC) throw new LoadError('wrong-type', `ELF type ${num(type)} is not an executable (ET_EXEC, 2)`);
  if (ehsize !== EHDR_SIZE) throw new LoadError('wrong-class', `ELF header size ${num(ehsize)} is not the ELF64 header size 64 (0x40)`);
  const entry = v.getBigUint64(24, true);
  const segments = programHeaders(bytes, v, ram);
  if (!segments.some((s) => entry >= s.paddr && entry < s.paddr + s.memsz)) {
    const where = segments.map((s) => `[${hex(s.paddr)}, ${hex(s.paddr + s.memsz)})`).join(', ');
    throw new LoadError('entry-outside-loaded', `entry point ${hex(entry)} is not inside any loaded segment (${where})`);
  }
  return { entry, segments, symbols: symbolTable(bytes, v), format: 'elf' };
}

/** True when [off, off + len) lies within the file. */
function within(bytes: Uint8Array, off: bigint, len: bigint): boolean {
  return off + len <= BigInt(bytes.length);
}

function programHeaders(bytes: Uint8Array, v: DataView, ram: RamRange): Segment[] {
  const phoff = v.getBigUint64(32, true), phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  if (phnum === 0) throw new LoadError('no-loadable-segments', 'the file has no program headers, so nothing to load');
  if (phentsize !== PHDR_SIZE) throw new LoadError('bad-program-headers', `program header entry size ${num(phentsize)} is not 56 (0x38)`);
  const tableEnd = phoff + BigInt(phnum * PHDR_SIZE);
  if (!within(bytes, phoff, tableEnd - phoff)) {
    throw new LoadError('bad-program-headers', `program header table [${hex(phoff)}, ${hex(tableEnd)}) (${phnum} entries) runs past the end of the ${hex(bytes.length)}-byte file`);
  }
  const ramEnd = ram.base + ram.size;
  const loaded: { index: number; seg: Segment }[] = [];
  for (let i = 0; i < phnum; i++) {
    const h = Number(phoff) + i * PHDR_SIZE;
    if (v.getUint32(h, true) !== PT_LOAD) continue;
    const offset = v.getBigUint64(h + 8, true), paddr = v.getBigUint64(h + 24, true);
    const filesz = v.getBigUint64(h + 32, true), memsz = v.getBigUint64(h + 40, true);
    if (filesz > memsz) throw new LoadError('segment-filesz-gt-memsz', `segment ${i}: file size ${hex(filesz)} exceeds memory size ${hex(memsz)}`);
    if (memsz === 0n) continue;
    if (!within(bytes, offset, filesz)) {
      throw new LoadError('segment-truncated', `segment ${i}: file range [${hex(offset)}, ${hex(offset + filesz)}) runs past the end of the ${hex(bytes.length)}-byte file`);
    }
    const end = paddr + memsz; // a BigInt: past 2^64 it is simply larger than ramEnd
    if (paddr < ram.base || end > ramEnd) {
      throw new LoadError('segment-outside-ram', `segment ${i} [${hex(paddr)}, ${hex(end)}) lies outside RAM [${hex(ram.base)}, ${hex(ramEnd)})`);
    }
    loaded.push({ index: i, seg: { paddr, data: bytes.slice(Number(offset), Number(offset + filesz)), memsz } });
  }
  if (loaded.length === 0) throw new LoadError('no-loadable-segments', `none of the ${phnum} program headers is a PT_LOAD segment with a non-zero memory size`);
  // Sorted by address, any overlap shows between neighbours: O(n log n) even for 65535 headers.
  const byAddr = [...loaded].sort((a, b) => (a.seg.paddr < b.seg.paddr ? -1 : a.seg.paddr > b.seg.paddr ? 1 : a.index - b.index));
  for (let k = 1; k < byAddr.length; k++) {
    const a = byAddr[k - 1], b = byAddr[k];
    if (b.seg.paddr < a.seg.paddr + a.seg.memsz) {
      const [x, y] = a.index < b.index ? [a, b] : [b, a];
      throw new LoadError('overlapping-segments', `segment ${y.index} [${hex(y.seg.paddr)}, ${hex(y.seg.paddr + y.seg.memsz)}) overlaps segment ${x.index} [${hex(x.seg.paddr)}, ${hex(x.seg.paddr + x.seg.memsz)})`);
    }
  }
  return loaded.map((l) => l.seg);
}

interface Section { type: number; offset: bigint; size: bigint; link: number }

/**
 * Named symbols from the SHT_SYMTAB section, if any. Undefined symbols, file and section symbols
 * are skipped; a global or weak symbol wins over local ones of the same name, otherwise the first
 * wins. No section headers (e_shoff = 0 or e_shnum = 0) means no symbols.
 */
function symbolTable(bytes: Uint8Array, v: DataView): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  const shoff = v.getBigUint64(40, true), shentsize = v.getUint16(58, true), shnum = v.getUint16(60, true);
  if (shoff === 0n || shnum === 0) return symbols;
  if (shentsize !== SHDR_SIZE) throw new LoadError('bad-section-headers', `section header entry size ${num(shentsize)} is not 64 (0x40)`);
  const tableEnd = shoff + BigInt(shnum * SHDR_SIZE);
  if (!within(bytes, shoff, tableEnd - shoff)) {
    throw new LoadError('bad-section-headers', `section header table [${hex(shoff)}, ${hex(tableEnd)}) (${shnum} entries) runs past the end of the ${hex(bytes.length)}-byte file`);
  }
  const section = (i: number): Section => {
    const h = Number(shoff) + i * SHDR_SIZE;
    return { type: v.getUint32(h + 4, true), offset: v.getBigUint64(h + 24, true), size: v.getBigUint64(h + 32, true), link: v.getUint32(h + 40, true) };
  };
  const global = new Set<string>();
  for (let i = 0; i < shnum; i++) {
    const sym = section(i);
    if (sym.type !== SHT_SYMTAB) continue;
    const bad = (what: string) => new LoadError('bad-symbol-table', `symbol table (section ${i}): ${what}`);
    if (sym.link >= shnum) throw bad(`links to section ${sym.link}, but there are only ${shnum} sections`);
    const str = section(sym.link);
    if (str.type !== SHT_STRTAB) throw bad(`links to section ${sym.link}, which is of type ${hex(str.type)}, not a string table (SHT_STRTAB, 3)`);
    if (!within(bytes, sym.offset, sym.size)) throw bad(`[${hex(sym.offset)}, ${hex(sym.offset + sym.size)}) runs past the end of the ${hex(bytes.length)}-byte file`);
    if (sym.size % BigInt(SYM_SIZE) !== 0n) throw bad(`size ${hex(sym.size)} is not a multiple of the 24-byte (0x18) symbol entry`);
    if (!within(bytes, str.offset, str.size)) {
      throw bad(`string table (section ${sym.link}) [${hex(str.offset)}, ${hex(str.offset + str.size)}) runs past the end of the ${hex(bytes.length)}-byte file`);
    }
    const names = stringTable(bytes.subarray(Number(str.offset), Number(str.offset + str.size)));
    const count = Number(sym.size) / SYM_SIZE;
    for (let k = 1; k < count; k++) { // entry 0 is the reserved null symbol
      const s = Number(sym.offset) + k * SYM_SIZE;
      const nameOff = v.getUint32(s, true), info = bytes[s + 4], shndx = v.getUint16(s + 6, true);
      const kind = info & 0xf, local = info >> 4 === STB_LOCAL;
      if (nameOff === 0 || shndx === SHN_UNDEF || kind === STT_FILE || kind === STT_SECTION) continue;
      const name = names(nameOff);
      if (name === undefined) throw bad(`symbol ${k}'s name at string offset ${hex(nameOff)} is not a NUL-terminated string inside the ${hex(str.size)}-byte string table`);
      if (symbols.has(name) && (local || global.has(name))) continue;
      symbols.set(name, v.getBigUint64(s + 8, true));
      if (!local) global.add(name);
    }
  }
  return symbols;
}

/** Looks names up in a string table: undefined when the offset is outside it or the name has no NUL. */
function stringTable(table: Uint8Array): (off: number) => string | undefined {
  const nuls: number[] = [];
  for (let i = 0; i < table.length; i++) if (table[i] === 0) nuls.push(i);
  const decoder = new TextDecoder(); // not fatal: malformed UTF-8 decodes to U+FFFD
  return (off) => {
    let lo = 0, hi = nuls.length; // first NUL at or after off, by binary search
    while (lo < hi) { const mid = (lo + hi) >> 1; if (nuls[mid] < off) lo = mid + 1; else hi = mid; }
    return lo < nuls.length ? decoder.decode(table.subarray(off, nuls[lo])) : undefined;
  };
}
