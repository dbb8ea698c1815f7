// Hand-built two-stage page tables for tests: a G-stage (Sv39x4/Sv48x4, 16 KiB root) built in host
// frames, and VS-stage tables that live in guest-physical memory.
import { Machine, RAM_BASE } from '../../bindings/machine.js';

export const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
export const LEAF = V | R | W | X | A | D;
export const GLEAF = LEAF | U; // G-stage leaves are checked as user accesses
export const LOAD = 0, STORE = 1, FETCH = 2;
export const SV39 = 8n, SV48 = 9n;

/** Guest-physical layout: VS tables at GPA 0x8000_0000.., guest data at 0x8010_0000. */
export const GPA_TABLES = 0x8000_0000n, GPA_DATA = 0x8010_0000n, GVA = 0x4000_0000n;

export class TwoStage {
  private next: bigint; // host frames for G-stage tables and guest memory, from `base` on
  readonly groot: bigint;
  readonly gmap = new Map<bigint, bigint>(); // guest page -> host page
  constructor(readonly m: Machine, readonly glevels: number, base = RAM_BASE + 0x100000n) {
    this.next = base;
    this.groot = this.alloc(0x4000n); // 16 KiB root, 16 KiB aligned
  }
  alloc(bytes = 0x1000n): bigint {
    const a = this.next;
    this.next += bytes;
    this.m.zeroPhys(a, Number(bytes));
    return a;
  }
  /** G-stage: map the guest page at gpa, as a leaf at `level` (0 = 4 KiB), to host address hpa. */
  gMap(gpa: bigint, hpa: bigint, level = 0, flags = GLEAF): void {
    let table = this.groot;
    for (let i = this.glevels - 1; i > level; i--) {
      const idx = (gpa >> BigInt(12 + 9 * i)) & (i === this.glevels - 1 ? 0x7ffn : 0x1ffn);
      const pte = this.m.read64(table + idx * 8n);
      if (pte & V) table = (pte >> 10n) << 12n;
      else {
        const t = this.alloc();
        this.m.write64(table + idx * 8n, ((t >> 12n) << 10n) | V);
        table = t;
      }
    }
    const idx = (gpa >> BigInt(12 + 9 * level)) & (level === this.glevels - 1 ? 0x7ffn : 0x1ffn);
    this.m.write64(table + idx * 8n, ((hpa >> 12n) << 10n) | flags);
    if (level === 0) this.gmap.set(gpa & ~0xfffn, hpa);
  }
  gUnmap(gpa: bigint): void {
    // Clear the 4 KiB leaf for gpa (tables were built by gMap).
    let table = this.groot;
    for (let i = this.glevels - 1; i > 0; i--) {
      const idx = (gpa >> BigInt(12 + 9 * i)) & (i === this.glevels - 1 ? 0x7ffn : 0x1ffn);
      table = (this.m.read64(table + idx * 8n) >> 10n) << 12n;
    }
    this.m.write64(table + ((gpa >> 12n) & 0x1ffn) * 8n, 0n);
  }
  /** A guest page backed by a fresh host frame. */
  guestPage(gpa: bigint): bigint {
    const h = this.alloc();
    this.gMap(gpa, h);
    return h;
  }
  /** Writes a 64-bit word at a guest physical address (through the G map). */
  gWrite64(gpa: bigint, v: bigint): void { this.m.write64(this.gmap.get(gpa & ~0xfffn)! + (gpa & 0xfffn), v); }
  hgatp(mode: bigint): bigint { return (mode << 60n) | (this.groot >> 12n); }
}

/** VS tables for GVA -> GPA_DATA with 4 KiB pages: `levels` tables at GPA_TABLES + k pages. */
export function vsTables(t: TwoStage, levels: number): bigint {
  for (let k = 0; k < levels; k++) t.guestPage(GPA_TABLES + BigInt(k) * 0x1000n);
  for (let k = 0; k < levels - 1; k++) {
    const level = levels - 1 - k;
    const idx = (GVA >> BigInt(12 + 9 * level)) & 0x1ffn;
    t.gWrite64(GPA_TABLES + BigInt(k) * 0x1000n + idx * 8n, (((GPA_TABLES + BigInt(k + 1) * 0x1000n) >> 12n) << 10n) | V);
  }
  t.gWrite64(GPA_TABLES + BigInt(levels - 1) * 0x1000n + ((GVA >> 12n) & 0x1ffn) * 8n, ((GPA_DATA >> 12n) << 10n) | LEAF);
  return GPA_TABLES >> 12n;
}

