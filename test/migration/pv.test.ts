// A PV domain's own records (PV: the hypervisor's state of the domain; PV_DEVICES: dom0's) are
// input like any other: a record the source could not have written — well framed, checksummed,
// only its content hostile — is refused with a message naming what is wrong, before the guest
// resumes, and the source's VM goes on; the destination rebuilds the frame table by validating
// what the record names rather than trusting it. And the state that moves is the right one: the
// split devices are connected on the destination (the guest goes on reading its disk).
import { describe, it, expect } from 'vitest';
import { miniosVm, migrateInMemory, runToEnd } from '../helpers/migration.js';
import { encodeRecord, chainCrc, REC, RECORD_HEADER_BYTES } from '../../src/migration/stream/format.js';
import { encodeEnd, encodeStateRecord, decodeStateRecord } from '../../src/migration/stream/records.js';
import { MigrationFailed } from '../../src/migration/source.js';
import { MigrationRefused, createVm } from '../../src/migration/destination.js';
import { VmmVm } from '../../src/migration/vm/vmm-vm.js';
import type { Tamper } from '../../src/migration/transport/memory.js';
import type { StateRecord } from '../../src/vmm/state-reader.js';
import { MemoryBlockStore, patternDisk } from '../../src/vdev/block-store.js';
import { VirtualSwitch } from '../../src/net/switch.js';

const RAM = 48 << 20;
const ARGS = 'io=300 getppid=500 tick=100000';
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * A tamper that edits the bodies of the state records of `type` (as JSON) and keeps the stream
 * otherwise valid — each record's CRC and END's count and running checksum recomputed — so only
 * the destination's checks of the content can find the defect. `edit` returning undefined drops it.
 */
function editState(type: number, edit: (s: StateRecord) => StateRecord | undefined): Tamper {
  let records = 0, chain = 0;
  const forward = (rec: Uint8Array) => { records++; chain = chainCrc(chain, view(rec).getUint32(8, true)); return rec; };
  return (bytes, offset) => {
    if (offset === 0) return bytes;
    const t = view(bytes).getUint32(0, true);
    if (t === REC.END) return encodeRecord(REC.END, encodeEnd({ records, chain }));
    if (t !== type) return forward(bytes);
    const body = bytes.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + view(bytes).getUint32(4, true));
    const edited = edit(decodeStateRecord(body, 'test'));
    return edited ? forward(encodeRecord(type, encodeStateRecord(edited))) : new Uint8Array(0);
  };
}

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFECTS: [string, Tamper, RegExp][] = [
  ['the PV record missing', editState(REC.PV, () => undefined), /PV: missing from the stream of a VM under pv/],
  ['a p2m naming other machine frames', editState(REC.PV, (s: Rec) => { const b = Uint8Array.from(atob(s.p2m), (c) => c.charCodeAt(0)); b[40] ^= 1; s.p2m = btoa(String.fromCharCode(...b)); return s; }),
    /PV: pfn 10 is a different machine frame here/],
  ['a pinned "table" that is the kernel\'s data page (it does not validate)', editState(REC.PV, (s: Rec) => { s.pinned.push({ mfn: s.pinned[0].mfn + 1n, type: 'L3' }); return s; }),
    /PV: mfn 0x[0-9a-f]+ does not pin as L3 here \(-E[A-Z]+\)/],
  ['a pinned frame the domain does not own', editState(REC.PV, (s: Rec) => { s.pinned.push({ mfn: 0x80000n, type: 'L1' }); return s; }), /PV: mfn 0x80000 does not pin as L1 here \(-EINVAL\)/],
  ['a base pointer that is no L3 table', editState(REC.PV, (s: Rec) => { s.base.mfn += 7n; return s; }), /PV: base pointer mfn 0x[0-9a-f]+ is not an L3 table of the domain here/],
  ['a port bound to a third domain', editState(REC.PV, (s: Rec) => { s.ports[0] = { port: s.ports[0].port, kind: 'interdomain', remoteDom: 7 }; return s; }),
    /PV: port \d+ is bound to domain 7: only dom0 peers move with a domain/],
  ['a port number repeated', editState(REC.PV, (s: Rec) => { s.ports.push(s.ports[0]); return s; }), /PV: port \d+ appears twice/],
  ['a VIRQ out of range', editState(REC.PV, (s: Rec) => { s.ports.push({ port: 900, kind: 'virq', virq: 99 }); return s; }), /PV: port 900: VIRQ 99 is out of range or bound twice/],
  ['the PV_DEVICES record missing', editState(REC.PV_DEVICES, () => undefined), /PV_DEVICES: missing from the stream of a VM under pv/],
  ['a ring with a request taken and not answered', editState(REC.PV_DEVICES, (s: Rec) => { s.devices.vbd.reqCons += 1; return s; }),
    /PV_DEVICES.devices.vbd: 1 requests were taken and not answered/],
  ['a XenStore node of another domain', editState(REC.PV_DEVICES, (s: Rec) => { s.xenstore.push({ path: '/local/domain/2/x', value: 'y', owner: 2, readers: [] }); return s; }),
    /PV_DEVICES: its XenStore nodes are not all the domain's own \(EINVAL\)/],
  ['a console port that is not the domain\'s', editState(REC.PV_DEVICES, (s: Rec) => { s.console = 1000; return s; }), /PV_DEVICES: guest port 1000 is not a port of the domain offered to dom0/],
  ['a device port left unclaimed (vbd record dropped)', editState(REC.PV_DEVICES, (s: Rec) => { s.devices.vbd = false; return s; }),
    /PV: port \d+ was bound to dom0 at the source and no backend here took it up/],
];

const disk = new MemoryBlockStore(patternDisk(4 << 20, 0xbeef), true);
const env = () => ({ disk, net: { switch: new VirtualSwitch() } });
const createHere = () => VmmVm.create('pv', RAM, true, env());

describe('PV records: a hostile or corrupt domain state is refused, the source goes on', () => {
  let ref: string | undefined;
  for (const [what, tamper, message] of DEFECTS) {
    it(what, async () => {
      ref ??= runToEnd((await miniosVm('pv', ARGS, RAM, env())).vm).output;
      const { vm } = await miniosVm('pv', ARGS, RAM, env());
      vm.run(3_000_000);
      const before = vm.takeOutput();
      const m = await migrateInMemory(vm, { policy: 'stop-and-copy', maxBandwidth: 2 ** 31 }, { createVm: createHere }, tamper);
      expect(m.destError).toBeInstanceOf(MigrationRefused);
      expect(m.destError!.message).toMatch(message);
      expect(m.sourceError).toBeInstanceOf(MigrationFailed);
      expect((m.sourceError as MigrationFailed).sourceRunning).toBe(true);
      expect(m.sourceError!.message).toMatch(message);
      // The VM goes on at the source, its disk still connected, and finishes exactly as it would have.
      expect(before + runToEnd(vm).output).toBe(ref);
    }, 30_000);
  }

  it('a destination without the disk the VM has refuses it, naming the device', async () => {
    const { vm } = await miniosVm('pv', ARGS, RAM, env());
    vm.run(3_000_000);
    const m = await migrateInMemory(vm, { policy: 'stop-and-copy', maxBandwidth: 2 ** 31 }, { createVm: createVm });
    expect(m.destError!.message).toMatch(/PV_DEVICES: the VM has a vbd device and this host has no backend for it \(no disk\)/);
    expect((m.sourceError as MigrationFailed).sourceRunning).toBe(true);
  }, 30_000);

  it('with the same disk on both hosts the guest goes on reading it there: its checksum is the unmigrated run\'s', async () => {
    ref ??= runToEnd((await miniosVm('pv', ARGS, RAM, env())).vm).output;
    const { vm } = await miniosVm('pv', ARGS, RAM, env());
    vm.run(3_000_000); // inside the io loop
    const before = vm.takeOutput();
    expect(before).not.toMatch(/io n=300/);
    const m = await migrateInMemory(vm, { policy: 'precopy', maxBandwidth: 2 ** 31, sliceInstructions: 50_000 }, { createVm: createHere });
    expect(m.sourceError).toBeUndefined();
    expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    expect(before + m.sourceOutput + m.received!.output).toBe(ref);
    expect(ref).toMatch(/io n=300 checksum=\d+\n/);
  }, 30_000);
});
