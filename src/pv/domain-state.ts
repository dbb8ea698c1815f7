/**
 * A PV domain's hypervisor state as a migration record (the stream's PV record), and its rebuild
 * on the destination. What moves is what the guest depends on and cannot be read back from its
 * memory: the layout of its special pages, its base pointer and the guest ASID under it, its trap
 * handler, what each of its event-channel ports is bound to, and which frames it pinned as which
 * table type. What does not move is derived here again: the frame table's counts and types come
 * from validating the pinned tables and the base pointer exactly as MMUEXT_PIN_* and NEW_BASEPTR
 * do (a table the stream claims that does not validate is refused), the host ASIDs are this
 * host's. The pending and mask bits of the ports, the grant entries, start_info and shared_info
 * are guest pages and travel as pages.
 *
 * A PV guest's page tables, grant entries and its own M2P hold machine frame numbers, so the
 * domain must get the same machine frames here: the record carries the source's p2m and the
 * destination refuses a domain whose frames it cannot give the same numbers (rewriting them —
 * Xen's canonicalisation of page tables — is not done; each migrated VM gets a host machine of
 * its own, whose frames are dealt the same way).
 */
import type { Vm } from '../vmm/vm.js';
import { MigrationStateError, base64, type StateReader, type StateRecord, type StateValue } from '../vmm/state-reader.js';
import type { Hypervisor } from './hypervisor.js';
import type { DomainLayout, PvDomain } from './domain.js';
import { adoptDomain } from './builder.js';
import { PageType, PAGE_TYPE_NAMES } from './frame-table.js';
import { baseSatp } from './mmu-ops.js';
import type { PortState } from './event-channels.js';
import { errnoName } from './abi.js';

const TABLE_TYPES = { L1: PageType.L1, L2: PageType.L2, L3: PageType.L3 } as const;
const MAX_PINNED = 1 << 20;


/** The p2m as machine frame numbers, 32 bits each (RAM starts at 2 GiB: frame numbers of up to 16 TiB fit). */
function p2mBytes(vm: Vm): Uint8Array {
  const out = new Uint8Array(vm.p2m.frames.length * 4);
  const v = new DataView(out.buffer);
  vm.p2m.frames.forEach((hpa, i) => v.setUint32(i * 4, Number(hpa >> 12n), true));
  return out;
}

function portRecord([port, s]: [number, PortState]): StateValue {
  switch (s.kind) {
    case 'unbound': return { port, kind: s.kind, remoteDom: s.remoteDom };
    case 'interdomain': return { port, kind: s.kind, remoteDom: s.remoteDom };
    case 'virq': return { port, kind: s.kind, virq: s.virq };
    default: return { port, kind: s.kind };
  }
}

/** The domain's record, taken while its vCPU is off the hart (the vCPU itself is in the VMM record). */
export function saveDomain(hv: Hypervisor, d: PvDomain): StateRecord {
  const l = d.layout;
  return {
    domid: d.id,
    p2m: base64(p2mBytes(d.vm)),
    layout: {
      startInfoPfn: l.startInfoPfn, sharedInfoPfn: l.sharedInfoPfn, consolePfn: l.consolePfn, storePfn: l.storePfn,
      grantPfns: l.grantPfns, tablePfns: l.tablePfns, firstFreePfn: l.firstFreePfn, startInfoVa: l.startInfoVa,
    },
    base: d.baseMfn === undefined ? false : { mfn: d.baseMfn, asid: d.baseAsid },
    trapHandler: d.trapHandler ?? false,
    ports: d.channels.bound().map(portRecord),
    pinned: hv.frames.pinnedOf(d.id).map(([mfn, t]) => ({ mfn, type: PAGE_TYPE_NAMES[t] })),
  };
}

/**
 * Rebuilds domain `vm.id` from `saveDomain`'s record on this host, over the guest's memory as it
 * arrived. Every field is checked, and every table the record names is validated as the
 * hypercall that made it would: a record that is not one the source could have written is
 * refused (MigrationStateError naming it). On failure the caller destroys the VM, which drops
 * whatever was taken here.
 */
export function restoreDomain(hv: Hypervisor, vm: Vm, r: StateReader): PvDomain {
  const domid = r.int('domid', 1, 0x7fef);
  if (domid !== vm.id) throw new MigrationStateError(`${r.what}: domain ${domid} arrives as VM ${vm.id} here (a PV guest knows its domain id)`);
  const p2m = r.bytes('p2m', 1 << 24);
  const here = p2mBytes(vm);
  if (p2m.length !== here.length) throw new MigrationStateError(`${r.what}: a p2m of ${p2m.length / 4} frames for a VM of ${here.length / 4}`);
  for (let i = 0; i < here.length; i += 4) {
    if (p2m[i] !== here[i] || p2m[i + 1] !== here[i + 1] || p2m[i + 2] !== here[i + 2] || p2m[i + 3] !== here[i + 3]) {
      throw new MigrationStateError(`${r.what}: pfn ${i / 4} is a different machine frame here; a PV guest's page tables and grants hold machine frame numbers, which this host does not rewrite`);
    }
  }
  const layout = readLayout(r.record('layout'), vm.p2m.frames.length);
  const trapHandler = r.isFalse('trapHandler') ? undefined : r.u64('trapHandler');
  if (trapHandler !== undefined && (trapHandler & 2n) !== 0n) throw new MigrationStateError(`${r.what}: trap handler 0x${trapHandler.toString(16)} is not 4-byte aligned`);
  const ports = r.list('ports', 1024).map(readPort);
  const pinned = r.list('pinned', MAX_PINNED).map((p) => [p.u64('mfn'), TABLE_TYPES[p.oneOf('type', ['L1', 'L2', 'L3'] as const)]] as const);

  const d = adoptDomain(hv, vm, layout);
  try { d.channels.restore(ports); } catch (e) { throw new MigrationStateError(`${r.what}: ${(e as Error).message}`); }
  d.trapHandler = trapHandler;
  for (const [mfn, type] of pinned) {
    const rc = hv.frames.pin(mfn, d.id, type);
    if (rc !== 0) throw new MigrationStateError(`${r.what}: mfn 0x${mfn.toString(16)} does not pin as ${PAGE_TYPE_NAMES[type]} here (${errno(rc)}): not a table of the domain that validates`);
  }
  if (!r.isFalse('base')) {
    const base = r.record('base');
    const mfn = base.u64('mfn'), asid = base.int('asid', 0, 0xffff);
    const rc = hv.frames.getPageAndType(mfn, d.id, PageType.L3);
    if (rc !== 0) throw new MigrationStateError(`${r.what}: base pointer mfn 0x${mfn.toString(16)} is not an L3 table of the domain here (${errno(rc)})`);
    d.setBase(baseSatp(hv, d, mfn, asid), mfn, asid);
  }
  return d;
}

function readLayout(l: StateReader, pages: number): DomainLayout {
  const pfn = (name: string) => l.int(name, 0, pages - 1);
  const pfns = (name: string, max: number) => l.ints(name, max, 0, pages - 1);
  return {
    startInfoPfn: pfn('startInfoPfn'), sharedInfoPfn: pfn('sharedInfoPfn'), consolePfn: pfn('consolePfn'), storePfn: pfn('storePfn'),
    grantPfns: pfns('grantPfns', 32), tablePfns: pfns('tablePfns', 4096), firstFreePfn: l.int('firstFreePfn', 0, pages), startInfoVa: l.u64('startInfoVa'),
  };
}

function readPort(p: StateReader): [number, PortState] {
  const port = p.int('port', 1, 1023);
  const kind = p.oneOf('kind', ['unbound', 'interdomain', 'virq', 'ipi'] as const);
  switch (kind) {
    case 'unbound': case 'interdomain': return [port, { kind: 'unbound', remoteDom: p.int('remoteDom', 0, 0x7fef) }];
    case 'virq': return [port, { kind, virq: p.int('virq', 0, 1 << 16) }];
    default: return [port, { kind }];
  }
}

const errno = (rc: number): string => `-${errnoName(rc)}`;
