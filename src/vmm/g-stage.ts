/**
 * The G-stage page table a VMM builds from a VM's p2m (Sv39x4: a 16 KiB root, three levels, guest
 * physical addresses up to 2^41): every guest frame mapped to its host frame as a user, read/
 * write/execute leaf with A and D set, nothing else mapped. It lives in the VM's share of the VMM's
 * memory, where no guest can reach it.
 */
import type { VmmPool } from './frames.js';
import type { P2m } from './p2m.js';

const V = 1n;
/** A G-stage leaf: V R W X U A D (G-stage accesses are checked as user accesses). */
const LEAF = 0xdfn;
export const HGATP_SV39X4 = 8n << 60n;

export class GStage {
  readonly root: bigint;
  /** Host pages used by the table (for the accounting of the VMM's memory). */
  tablePages = 4;
  constructor(private readonly pool: VmmPool, p2m: P2m) {
    this.root = pool.allocAligned(0x4000n);
    p2m.frames.forEach((hfn, i) => this.map(p2m.base + BigInt(i) * 4096n, hfn));
  }

  /** hgatp for this table with a VMID. */
  hgatp(vmid: number): bigint { return HGATP_SV39X4 | (BigInt(vmid) << 44n) | (this.root >> 12n); }

  private map(gpa: bigint, hpa: bigint): void {
    const m = this.pool.machine;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const bits = level === 2 ? 0x7ffn : 0x1ffn;
      const slot = table + ((gpa >> BigInt(12 + 9 * level)) & bits) * 8n;
      const pte = m.read64(slot);
      if ((pte & V) !== 0n) { table = (pte >> 10n) << 12n; continue; }
      const next = this.pool.alloc();
      this.tablePages++;
      m.write64(slot, ((next >> 12n) << 10n) | V);
      table = next;
    }
    m.write64(table + ((gpa >> 12n) & 0x1ffn) * 8n, ((hpa >> 12n) << 10n) | LEAF);
  }
}
