/**
 * Builds small ELF64 little-endian RISC-V executables in memory for loader tests: an ELF header,
 * one program header per segment, the segment bytes, then .symtab, .strtab and .shstrtab and the
 * section header table (null, .symtab, .strtab, .shstrtab).
 */

/** One program header and its file bytes. */
export interface SegmentSpec {
  paddr: bigint;
  data: Uint8Array;
  /** Memory size (default: data.length). */
  memsz?: bigint;
  /** Virtual address (default: paddr). */
  vaddr?: bigint;
  /** p_type (default PT_LOAD, 1). */
  type?: number;
}

/** What to build. */
export interface ElfSpec {
  entry: bigint;
  segments: SegmentSpec[];
  /** Global symbols (absolute, STB_GLOBAL). */
  symbols?: Record<string, bigint>;
  /** Local symbols (STB_LOCAL), written before the globals as ELF requires. */
  locals?: Record<string, bigint>;
  /** e_type (default ET_EXEC, 2). */
  type?: number;
  /** e_machine (default EM_RISCV, 243). */
  machine?: number;
  /** Write no section headers at all (e_shoff = 0, e_shnum = 0). */
  noSections?: boolean;
}

/** Offsets of the parts of a built file, so tests can corrupt them precisely. */
export interface ElfLayout {
  /** Program header table. */
  phoff: number;
  /** Section header table (0 with noSections); section 1 is .symtab, 2 .strtab, 3 .shstrtab. */
  shoff: number;
  /** .symtab (entry 0 is the null symbol; locals, then globals). */
  symoff: number;
  /** .strtab. */
  stroff: number;
  /** Each segment's file bytes. */
  dataOffs: number[];
}

const SHN_ABS = 0xfff1;

/** Builds the file described by `spec`. */
export function buildElf(spec: ElfSpec): { bytes: Uint8Array; layout: ElfLayout } {
  const enc = new TextEncoder();
  const phoff = 64, phnum = spec.segments.length;
  let off = phoff + phnum * 56;
  const dataOffs = spec.segments.map((s) => { const o = off; off += s.data.length; return o; });

  const syms = [
    ...Object.entries(spec.locals ?? {}).map(([name, value]) => ({ name, value, bind: 0 })),
    ...Object.entries(spec.symbols ?? {}).map(([name, value]) => ({ name, value, bind: 1 })),
  ];
  const strtab = [0];
  const nameOffs = syms.map((s) => { const o = strtab.length; strtab.push(...enc.encode(s.name), 0); return o; });
  const shstr = [0, ...enc.encode('.symtab\0.strtab\0.shstrtab\0')];
  off = (off + 7) & ~7;
  const symoff = off; off += (syms.length + 1) * 24;
  const stroff = off; off += strtab.length;
  const shstroff = off; off += shstr.length;
  off = (off + 7) & ~7;
  const shnum = spec.noSections ? 0 : 4;
  const shoff = spec.noSections ? 0 : off;
  off += shnum * 64;

  const b = new Uint8Array(off);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, spec.type ?? 2, true);
  v.setUint16(18, spec.machine ?? 243, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, spec.entry, true);
  v.setBigUint64(32, BigInt(phoff), true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, phnum, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, shnum, true);
  v.setUint16(62, spec.noSections ? 0 : 3, true);

  spec.segments.forEach((s, i) => {
    const h = phoff + i * 56;
    v.setUint32(h, s.type ?? 1, true);
    v.setUint32(h + 4, 7, true); // RWX
    v.setBigUint64(h + 8, BigInt(dataOffs[i]), true);
    v.setBigUint64(h + 16, s.vaddr ?? s.paddr, true);
    v.setBigUint64(h + 24, s.paddr, true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setBigUint64(h + 40, s.memsz ?? BigInt(s.data.length), true);
    v.setBigUint64(h + 48, 8n, true);
    b.set(s.data, dataOffs[i]);
  });

  syms.forEach((s, i) => {
    const e = symoff + (i + 1) * 24;
    v.setUint32(e, nameOffs[i], true);
    b[e + 4] = s.bind << 4; // STT_NOTYPE
    v.setUint16(e + 6, SHN_ABS, true);
    v.setBigUint64(e + 8, s.value, true);
  });
  b.set(strtab, stroff);
  b.set(shstr, shstroff);

  if (!spec.noSections) {
    const section = (i: number, name: number, type: number, o: number, size: number, link = 0, info = 0, entsize = 0) => {
      const h = shoff + i * 64;
      v.setUint32(h, name, true);
      v.setUint32(h + 4, type, true);
      v.setBigUint64(h + 24, BigInt(o), true);
      v.setBigUint64(h + 32, BigInt(size), true);
      v.setUint32(h + 40, link, true);
      v.setUint32(h + 44, info, true);
      v.setBigUint64(h + 48, 1n, true);
      v.setBigUint64(h + 56, BigInt(entsize), true);
    };
    const firstGlobal = 1 + Object.keys(spec.locals ?? {}).length;
    section(1, 1, 2, symoff, (syms.length + 1) * 24, 2, firstGlobal, 24); // .symtab -> .strtab
    section(2, 9, 3, stroff, strtab.length); // .strtab
    section(3, 17, 3, shstroff, shstr.length); // .shstrtab
  }
  return { bytes: b, layout: { phoff, shoff, symoff, stroff, dataOffs } };
}
