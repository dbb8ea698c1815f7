/**
 * `npm run bench:walk`: what a TLB miss costs. For native 1D walks and two-stage (2D) walks, Sv39
 * and Sv48, 4 KiB / 2 MiB / 1 GiB pages in each stage, it walks 512 distinct guest pages once each
 * (every walk a TLB miss) through the core's walker, with the walk caches of Bhargava et al. off, the
 * page-walk cache (PWC) on, the nested TLB (NTLB) on, and both; and prints the page-table references
 * per miss and the modelled miss cost at MEM_REF_CYCLES per reference.
 */
import Table from 'cli-table3';
import { Machine, RAM_BASE } from '../bindings/machine.js';

const MEM_REF_CYCLES = 100; // a page-table reference that misses the data caches: ~100 cycles of DRAM
const WALKS = 512;
const GVA_BASE = 0x4000_0000n, GPA_BASE = 0x8000_0000n, SPAN = 1n << 30n;
const HOST_SPAN = 64n << 20n; // guest-physical pages alias onto 64 MiB of host RAM (walks never touch data)
const V = 1n, LEAF = 0xcfn, U = 0x10n; // V R W X A D
const PAGE = [0, 1, 2].map((l) => 1n << BigInt(12 + 9 * l)); // 4 KiB, 2 MiB, 1 GiB

/** A bump allocator of zeroed 4 KiB (or 16 KiB) tables in host or guest-physical memory. */
class Tables {
  readonly pages: bigint[] = [];
  constructor(private m: Machine, private next: bigint, private toHost: (a: bigint) => bigint) {}
  alloc(bytes = 0x1000n): bigint {
    const a = this.next;
    this.next += bytes;
    for (let p = a; p < a + bytes; p += 0x1000n) this.pages.push(p);
    this.m.zeroPhys(this.toHost(a), Number(bytes));
    return a;
  }
  /** Maps addr as a leaf at `level` in the tree rooted at `root` (rootBits: 9, or 11 for a G-stage root). */
  map(root: bigint, levels: number, rootBits: number, addr: bigint, target: bigint, level: number, flags: bigint): void {
    let table = root;
    for (let i = levels - 1; ; i--) {
      const bits = i === levels - 1 ? rootBits : 9;
      const slot = table + ((addr >> BigInt(12 + 9 * i)) & ((1n << BigInt(bits)) - 1n)) * 8n;
      const pte = this.m.read64(this.toHost(slot));
      if (i === level) { this.m.write64(this.toHost(slot), ((target >> 12n) << 10n) | flags); return; }
      if (pte & V) table = (pte >> 10n) << 12n;
      else {
        const t = this.alloc();
        this.m.write64(this.toHost(slot), ((t >> 12n) << 10n) | V);
        table = t;
      }
    }
  }
}

interface Case { levels: number; vsLevel: number; gLevel: number | null }

/** Builds the tables of one case and returns a function that walks page k of the stream. */
async function build(c: Case, caches: { pwc: boolean; ntlb: boolean }) {
  const m = await Machine.create({ ramBytes: Number(HOST_SPAN) });
  m.configure({ walkCaches: caches });
  const hostOf = (gpa: bigint) => RAM_BASE + ((gpa - GPA_BASE) % HOST_SPAN);
  const gTables = new Tables(m, RAM_BASE + (48n << 20n), (a) => a);
  // Guest tables live in guest-physical memory at +16 MiB; the G-stage maps them like everything else.
  const vsTables = new Tables(m, GPA_BASE + (16n << 20n), hostOf);
  const mode = BigInt(c.levels + 5);
  const groot = c.gLevel === null ? 0n : gTables.alloc(0x4000n);
  const gMapped = new Set<bigint>();
  const gMap = (gpa: bigint) => {
    if (c.gLevel === null) return;
    const page = gpa & ~(PAGE[c.gLevel] - 1n);
    if (gMapped.has(page)) return;
    gMapped.add(page);
    gTables.map(groot, c.levels, 11, page, hostOf(page) & ~(PAGE[c.gLevel] - 1n), c.gLevel, LEAF | U);
  };
  const vsroot = vsTables.alloc();
  const stride = PAGE[c.vsLevel] > 0x20_0000n ? 0x20_0000n : PAGE[c.vsLevel] * 5n; // distinct pages, spread out
  const addrs: bigint[] = [];
  for (let k = 0; k < WALKS; k++) addrs.push(GVA_BASE + ((BigInt(k) * stride * 7919n) % SPAN & ~(PAGE[0] - 1n)));
  // Map every page of the stream, then (for 2D) every guest-physical page the walks will touch.
  for (const gva of addrs) {
    const page = gva & ~(PAGE[c.vsLevel] - 1n);
    vsTables.map(vsroot, c.levels, 9, page, GPA_BASE + (page - GVA_BASE), c.vsLevel, LEAF);
  }
  for (const t of vsTables.pages) gMap(t);
  for (const gva of addrs) gMap(GPA_BASE + (gva - GVA_BASE));
  const vsatp = (mode << 60n) | (vsroot >> 12n);
  const hgatp = c.gLevel === null ? 0n : (mode << 60n) | (groot >> 12n);
  return { m, walk: (k: number) => m.translateNested(addrs[k], vsatp, hgatp, 0, 1, true) };
}

const CACHES = [{ pwc: false, ntlb: false }, { pwc: true, ntlb: false }, { pwc: false, ntlb: true }, { pwc: true, ntlb: true }];
const SIZE = ['4K', '2M', '1G'];

for (const levels of [3, 4]) {
  const name = levels === 3 ? 'Sv39 (2D: over Sv39x4)' : 'Sv48 (2D: over Sv48x4)';
  const t = new Table({ head: ['walk', 'guest page', 'G page', 'refs/miss: none', 'PWC', 'NTLB', 'both', `cycles/miss @${MEM_REF_CYCLES}: none`, 'both'], style: { head: [], border: [] } });
  const cases: Case[] = [];
  for (let v = 0; v < 3; v++) cases.push({ levels, vsLevel: v, gLevel: null });
  for (let v = 0; v < 3; v++) for (let g = 0; g < 3; g++) cases.push({ levels, vsLevel: v, gLevel: g });
  for (const c of cases) {
    const perMiss: number[] = [];
    for (const caches of CACHES) {
      const { m, walk } = await build(c, caches);
      const before = m.counters().walkRefs as bigint;
      for (let k = 0; k < WALKS; k++) {
        const r = walk(k);
        if (!r.ok) throw new Error(`walk ${k} faulted: ${JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      }
      perMiss.push(Number((m.counters().walkRefs as bigint) - before) / WALKS);
    }
    t.push([c.gLevel === null ? '1D' : '2D', SIZE[c.vsLevel], c.gLevel === null ? '-' : SIZE[c.gLevel],
      ...perMiss.map((x) => x.toFixed(2)), (perMiss[0] * MEM_REF_CYCLES).toFixed(0), (perMiss[3] * MEM_REF_CYCLES).toFixed(0)]);
  }
  console.log(`${name}: ${WALKS} TLB misses on distinct pages`);
  console.log(t.toString());
}
