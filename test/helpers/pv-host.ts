/**
 * A host with the PV hypervisor and two domains registered (no kernel booted): domain 1 (the one
 * the tests act as) and domain 2 (the victim), each with RAM of its own, a shared-info page at pfn
 * 1 and a grant-table frame at pfn 4. Hypercalls can be made as dom0 (MmuBatch) or as a domain
 * whose arguments sit in a host buffer.
 */
import { createHash } from 'node:crypto';
import { Machine } from '../../bindings/machine.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm } from '../../src/vmm/vm.js';
import { Hypervisor, type Caller } from '../../src/pv/hypervisor.js';
import { registerDomain } from '../../src/pv/builder.js';
import { HostBuffer, Fields } from '../../src/pv/guest-access.js';
import type { PvDomain } from '../../src/pv/domain.js';

export const RAM = 1 << 20, VMM = 1 << 20;
export const BUF = 0x4000_0000n;

export interface PvHost { m: Machine; host: HostMemory; hv: Hypervisor; a: Vm; b: Vm; da: PvDomain; db: PvDomain }

export async function pvHost(): Promise<PvHost> {
  const m = await Machine.create({ ramBytes: VMM + 2 * RAM });
  const host = new HostMemory(m, VMM);
  const hv = new Hypervisor(m, host);
  const layout = { startInfoPfn: 0, sharedInfoPfn: 1, consolePfn: 2, storePfn: 3, grantPfns: [4], tablePfns: [], firstFreePfn: 8, startInfoVa: 0n };
  const a = new Vm(1, host, RAM, { vmmPages: 16 }), b = new Vm(2, host, RAM, { vmmPages: 16 });
  return { m, host, hv, a, b, da: registerDomain(hv, a, layout), db: registerDomain(hv, b, layout) };
}

/** Machine frame number of a domain's pfn. */
export const mfn = (vm: Vm, pfn: number): bigint => vm.p2m.frames[pfn] >> 12n;
/** Machine address of entry `i` of the table in pfn `table`. */
export const slot = (vm: Vm, table: number, i: number): bigint => (mfn(vm, table) << 12n) + BigInt(8 * i);
/** A leaf PTE (V R, W if writable, A D) for machine frame f. */
export const leafPte = (f: bigint, writable = true): bigint => (f << 10n) | (writable ? 0xc7n : 0xc3n);
/** A non-leaf PTE pointing at machine frame f. */
export const tablePte = (f: bigint): bigint => (f << 10n) | 1n;

/** A hypercall made by domain `d`, its argument bytes laid out in a host buffer at BUF. */
export function asDomain(hv: Hypervisor, d: PvDomain, bytes: Uint8Array): { caller: Caller; buffer: HostBuffer } {
  const buffer = new HostBuffer(BUF, Math.max(4096, bytes.length));
  buffer.bytes.set(bytes);
  return { caller: { domid: d.id, access: buffer, domain: d }, buffer };
}

/** mmu_update requests as bytes. */
export function updates(reqs: Array<[bigint, bigint]>): Uint8Array {
  const f = new Fields(new Uint8Array(16 * reqs.length));
  reqs.forEach(([p, v], i) => f.setU64(16 * i, p).setU64(16 * i + 8, v));
  return f.bytes;
}

/** A digest of every frame of every VM and of the frame table's counts for them: "nothing changed". */
export function stateDigest(h: PvHost): string {
  const hash = createHash('sha256');
  for (const vm of [h.a, h.b]) {
    for (const hpa of vm.p2m.frames) {
      hash.update(h.m.readPhys(hpa, 4096));
      const f = hpa >> 12n;
      hash.update(`${h.hv.frames.countOf(f)},${h.hv.frames.typeOf(f)},${h.hv.frames.typeCountOf(f)},${h.hv.frames.isPinned(f)};`);
    }
  }
  return hash.digest('hex');
}
