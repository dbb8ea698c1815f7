/**
 * ELF64 little-endian RISC-V executables: PT_LOAD segments (at their physical addresses, as QEMU
 * loads -kernel images), the entry point and the symbol table. Parsing only: every check runs
 * before the caller copies anything, so a bad file is never half-loaded.
 */
import { LoadError, hex } from './errors.js';

/** Where guest RAM is: segments must lie inside it. */
export interface RamRange { base: bigint; size: bigint }
/** One loadable segment: `data` is its file image, the rest of `memsz` is zero-filled. */
export interface Segment { paddr: bigint; data: Uint8Array; memsz: bigint }
/** A parsed image, ready to copy into a machine. */
export interface LoadedImage { entry: bigint; segments: Segment[]; symbols: Map<string, bigint>; format: 'elf' | 'raw' }

const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;
const PT_LOAD = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, EM_RISCV = 243, ET_EXEC = 2;

/** True when the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parses and validates an ELF executable for a machine whose RAM is `ram`. Throws LoadError. */
export function parseElf(bytes: Uint8Array, ram: RamRange): LoadedImage {
  if (bytes.length < EHDR_SIZE) throw new LoadError('truncated-header', `file is ${bytes.length} bytes, shorter than the 64-byte ELF64 header`);
  if (!isElf(bytes)) throw new LoadError('bad-magic', 'not an ELF file (bad magic number)');
  if (bytes[4] !== 2) throw new LoadError('wrong-class', `ELF class ${bytes[4]} is not ELFCLASS64 (2)`);
  if (bytes[5] !== 1) throw new LoadError('wrong-endianness', `ELF data encoding ${bytes[5]} is not little-endian (1)`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(16, true), machine = v.getUint16(18, true);
  if (machine !== EM_RISCV) throw new LoadError('wrong-machine', `ELF machine ${machine} is not RISC-V (${EM_RISCV})`);
  if (type !== ET_EXEC) throw new LoadError('wrong-type', `ELF type ${type} is not an executable (ET_EXEC, 2)`);
  const entry = v.getBigUint64(24, true);
  const segments = programHeaders(bytes, v, ram);
  if (!segments.some((s) => entry >= s.paddr && entry < s.paddr + s.memsz)) {
    throw new LoadError('entry-outside-loaded', `entry point ${hex(entry)} is not inside any loaded segment`);
  }
  return { entry, segments, symbols: symbolTable(bytes, v), format: 'elf' };
}

/** Checks that [off, off + len) lies within the file. */
function within(bytes: Uint8Array, off: bigint, len: bigint): boolean {
  return off >= 0n && len >= 0n && off + len <= BigInt(bytes.length);
}

function programHeaders(bytes: Uint8Array, v: DataView, ram: RamRange): Segment[] {
  const phoff = v.getBigUint64(32, true);
  const phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  if (phnum > 0 && phentsize !== PHDR_SIZE) throw new LoadError('bad-program-headers', `program header entry size ${phentsize} is not ${PHDR_SIZE}`);
  if (!within(bytes, phoff, BigInt(phnum) * BigInt(PHDR_SIZE))) {
    throw new LoadError('bad-program-headers', `program header table [${hex(phoff)}, +${phnum}×${PHDR_SIZE}) runs past the end of the ${bytes.length}-byte file`);
  }
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const h = Number(phoff) + i * PHDR_SIZE;
    if (v.getUint32(h, true) !== PT_LOAD) continue;
    const offset = v.getBigUint64(h + 8, true), paddr = v.getBigUint64(h + 24, true);
    const filesz = v.getBigUint64(h + 32, true), memsz = v.getBigUint64(h + 40, true);
    if (memsz === 0n) continue;
    if (filesz > memsz) throw new LoadError('segment-filesz-gt-memsz', `segment ${i}: file size ${hex(filesz)} exceeds memory size ${hex(memsz)}`);
    if (!within(bytes, offset, filesz)) {
      throw new LoadError('segment-truncated', `segment ${i}: file range [${hex(offset)}, ${hex(offset + filesz)}) runs past the end of the ${bytes.length}-byte file`);
    }
    const end = paddr + memsz;
    if (paddr < ram.base || end > ram.base + ram.size || end < paddr) {
      throw new LoadError('segment-outside-ram', `segment ${i} [${hex(paddr)}, ${hex(end)}) lies outside RAM [${hex(ram.base)}, ${hex(ram.base + ram.size)})`);
    }
    for (const [j, s] of segments.entries()) {
      if (paddr < s.paddr + s.memsz && s.paddr < end) {
        throw new LoadError('overlapping-segments', `segment ${i} [${hex(paddr)}, ${hex(end)}) overlaps loadable segment ${j} [${hex(s.paddr)}, ${hex(s.paddr + s.memsz)})`);
      }
    }
    segments.push({ paddr, data: bytes.slice(Number(offset), Number(offset + filesz)), memsz });
  }
  if (segments.length === 0) throw new LoadError('no-loadable-segments', 'the file has no PT_LOAD segment with a non-zero memory size');
  return segments;
}

function symbolTable(bytes: Uint8Array, v: DataView): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  const shoff = v.getBigUint64(40, true);
  const shentsize = v.getUint16(58, true), shnum = v.getUint16(60, true);
  if (shoff === 0n || shnum === 0) return symbols;
  if (shentsize !== SHDR_SIZE) throw new LoadError('bad-section-headers', `section header entry size ${shentsize} is not ${SHDR_SIZE}`);
  if (!within(bytes, shoff, BigInt(shnum) * BigInt(SHDR_SIZE))) {
    throw new LoadError('bad-section-headers', `section header table [${hex(shoff)}, +${shnum}×${SHDR_SIZE}) runs past the end of the ${bytes.length}-byte file`);
  }
  const section = (i: number) => {
    const h = Number(shoff) + i * SHDR_SIZE;
    return { type: v.getUint32(h + 4, true), offset: v.getBigUint64(h + 24, true), size: v.getBigUint64(h + 32, true), link: v.getUint32(h + 40, true) };
  };
  const decoder = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const sym = section(i);
    if (sym.type !== SHT_SYMTAB) continue;
    if (sym.link >= shnum) throw new LoadError('bad-symbol-table', `symbol table ${i} links to section ${sym.link}, but there are ${shnum}`);
    const str = section(sym.link);
    if (str.type !== SHT_STRTAB) throw new LoadError('bad-symbol-table', `symbol table ${i} links to section ${sym.link}, which is not a string table`);
    if (!within(bytes, sym.offset, sym.size) || !within(bytes, str.offset, str.size)) {
      throw new LoadError('bad-symbol-table', `symbol table ${i} or its string table runs past the end of the file`);
    }
    const strStart = Number(str.offset), strEnd = strStart + Number(str.size);
    for (let s = Number(sym.offset); s + SYM_SIZE <= Number(sym.offset + sym.size); s += SYM_SIZE) {
      const nameOff = v.getUint32(s, true);
      if (nameOff === 0) continue;
      if (strStart + nameOff >= strEnd) throw new LoadError('bad-symbol-table', `symbol at ${hex(s)} names string ${hex(nameOff)} outside the string table`);
      let e = strStart + nameOff;
      while (e < strEnd && bytes[e] !== 0) e++;
      symbols.set(decoder.decode(bytes.subarray(strStart + nameOff, e)), v.getBigUint64(s + 8, true));
    }
  }
  return symbols;
}
