/**
 * The virtual-CPU page: a VMM-owned host frame mapped at VCPU_VA in every kernel shadow, where
 * translated code finds the guest kernel's supervisor registers (FIELD). The VMM's VirtualCpu is
 * the authority at exits: `pull` takes what translated code may have written (legalised: the guest can write this page, so nothing in it is trusted), `push`
 * puts back everything translated code reads.
 */
import type { Machine } from '../../bindings/machine.js';
import type { VirtualCpu } from '../vmm/vcpu.js';
import { SSTATUS } from '../vmm/csr.js';
import { fieldOffset, type VcpuField } from './layout.js';

const { SIE, SPIE, SPP, SUM, MXR } = SSTATUS;
/** The sstatus fields translated code may change (the rest, UXL, is read-only). */
export const SSTATUS_WRITABLE = SIE | SPIE | SPP | SUM | MXR;

/** The fields translated code writes, and the ones it only reads. */
const GUEST_WRITTEN = ['sstatus', 'stvec', 'sscratch', 'sepc', 'scause', 'stval'] as const;
const VMM_OWNED = ['sie', 'sip', 'satp'] as const;
const FIELDS = [...GUEST_WRITTEN, ...VMM_OWNED];

/** The fields are contiguous in the page, sstatus first: read and written as one block. */
const BLOCK = fieldOffset('sstatus'), BLOCK_BYTES = 9 * 8;
const at = (f: VcpuField) => fieldOffset(f) - BLOCK;

export class VcpuPage {
  /** What the page holds, as the VMM last wrote or read it. */
  private readonly known = new Map<VcpuField, bigint>();
  constructor(private readonly m: Machine, /** host address of the page */ readonly hpa: bigint) {}

  read(f: VcpuField): bigint { return this.m.read64(this.hpa + BigInt(fieldOffset(f))); }

  /** The guest-writable fields into the virtual CPU, with the hart's WARL rules (after translated code ran). */
  pull(v: VirtualCpu): void {
    const block = new DataView(this.m.readPhys(this.hpa + BigInt(BLOCK), BLOCK_BYTES).buffer);
    for (const f of GUEST_WRITTEN) {
      const x = block.getBigUint64(at(f), true);
      if (this.known.get(f) === x) continue;
      this.known.set(f, x);
      v.writeCsr(CSR_OF[f], x);
    }
  }

  /** Everything translated code reads, from the virtual CPU (one write of the block, when anything changed). */
  push(v: VirtualCpu): void {
    let changed = false;
    for (const f of FIELDS) {
      const x = v.readCsr(CSR_OF[f])!;
      if (this.known.get(f) !== x) { this.known.set(f, x); changed = true; }
    }
    if (!changed) return;
    const bytes = new Uint8Array(BLOCK_BYTES), block = new DataView(bytes.buffer);
    for (const f of FIELDS) block.setBigUint64(at(f), this.known.get(f)!, true);
    this.m.writePhys(this.hpa + BigInt(BLOCK), bytes);
  }
}

const CSR_OF: Record<(typeof GUEST_WRITTEN)[number] | (typeof VMM_OWNED)[number], number> = {
  sstatus: 0x100, sie: 0x104, sip: 0x144, stvec: 0x105, sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, satp: 0x180,
};
