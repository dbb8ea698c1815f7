/** Builds small ELF64 RISC-V executables in memory, with a symbol table, for loader tests. */

export interface ElfSpec {
  entry: bigint;
  segments: { paddr: bigint; data: Uint8Array; memsz?: bigint }[];
  symbols?: Record<string, bigint>;
  type?: number;
  machine?: number;
}

/** Offsets of the parts of a built file, so tests can corrupt them precisely. */
export interface ElfLayout { phoff: number; shoff: number; symoff: number; stroff: number; dataOffs: number[] }

export function buildElf(spec: ElfSpec): { bytes: Uint8Array; layout: ElfLayout } {
  const phoff = 64, phnum = spec.segments.length;
  let off = phoff + phnum * 56;
  const dataOffs = spec.segments.map((s) => { const o = off; off += s.data.length; return o; });
  const names = Object.keys(spec.symbols ?? {});
  const strtab = [0];
  const nameOffs = names.map((n) => { const o = strtab.length; strtab.push(...new TextEncoder().encode(n), 0); return o; });
  const shstr = [0, ...new TextEncoder().encode('.symtab\0.strtab\0')];
  const symoff = off; off += (names.length + 1) * 24;
  const stroff = off; off += strtab.length;
  const shstroff = off; off += shstr.length;
  off = (off + 7) & ~7;
  const shoff = off, shnum = 4; off += shnum * 64;
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
  v.setUint16(62, 3, true);
  spec.segments.forEach((s, i) => {
    const h = phoff + i * 56;
    v.setUint32(h, 1, true);
    v.setUint32(h + 4, 7, true);
    v.setBigUint64(h + 8, BigInt(dataOffs[i]), true);
    v.setBigUint64(h + 16, s.paddr, true);
    v.setBigUint64(h + 24, s.paddr, true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setBigUint64(h + 40, s.memsz ?? BigInt(s.data.length), true);
    b.set(s.data, dataOffs[i]);
  });
  names.forEach((n, i) => {
    const s = symoff + (i + 1) * 24;
    v.setUint32(s, nameOffs[i], true);
    b[s + 4] = 0x10;
    v.setBigUint64(s + 8, spec.symbols![n], true);
  });
  b.set(strtab, stroff);
  b.set(shstr, shstroff);
  const section = (i: number, name: number, type: number, o: number, size: number, link = 0) => {
    const h = shoff + i * 64;
    v.setUint32(h, name, true); v.setUint32(h + 4, type, true);
    v.setBigUint64(h + 24, BigInt(o), true); v.setBigUint64(h + 32, BigInt(size), true);
    v.setUint32(h + 40, link, true);
    if (type === 2) v.setBigUint64(h + 56, 24n, true);
  };
  section(1, 1, 2, symoff, (names.length + 1) * 24, 2);
  section(2, 9, 3, stroff, strtab.length);
  section(3, 0, 3, shstroff, shstr.length);
  return { bytes: b, layout: { phoff, shoff, symoff, stroff, dataOffs } };
}
