// The destination refuses a bad stream with a message naming the defect — truncated, corrupt, of
// another version, for another RAM size or strategy, carrying a page outside RAM, with an unknown
// mandatory record, a record lost or repeated — and tells the source, which goes on running the VM exactly as it was and then
// completes a second, clean migration. An unknown optional record is skipped.
import { describe, it, expect } from 'vitest';
import { bareDirty, migrateInMemory, runToEnd, machineDigest } from '../helpers/migration.js';
import { encodeRecord, encodeHeader, chainCrc, REC, OPTIONAL, RECORD_HEADER_BYTES } from '../../src/migration/stream/format.js';
import { encodePageList, encodeEnd } from '../../src/migration/stream/records.js';
import { MigrationFailed } from '../../src/migration/source.js';
import { MigrationRefused, type AcceptPolicy } from '../../src/migration/destination.js';
import type { Tamper } from '../../src/migration/transport/memory.js';

const PAGES = 4, PASSES = 50_000;
const typeOf = (rec: Uint8Array) => new DataView(rec.buffer, rec.byteOffset).getUint32(0, true);
/** A tamper that acts on the n-th record of a type (0 = the header chunk). */
const onRecord = (type: number, act: (rec: Uint8Array) => Uint8Array | { cutAfter: Uint8Array }, nth = 0): Tamper => {
  let seen = 0;
  return (bytes, offset) => (offset > 0 && typeOf(bytes) === type && seen++ === nth ? act(bytes) : bytes);
};
const onHeader = (act: (h: Uint8Array) => Uint8Array): Tamper => (bytes, offset) => (offset === 0 ? act(bytes) : bytes);

const DEFECTS: [string, { tamper?: Tamper; accept?: AcceptPolicy }, RegExp][] = [
  ['a truncated stream (cut inside a PAGES record)', { tamper: onRecord(REC.PAGES, (r) => ({ cutAfter: r.subarray(0, 100) })) }, /truncated inside record \d+: 100 bytes/],
  ['a stream cut between two records', { tamper: onRecord(REC.CLOCK, () => ({ cutAfter: new Uint8Array(0) })) }, /stream is truncated: the connection closed/],
  ['a corrupt page (one bit flipped)', { tamper: onRecord(REC.PAGES, (r) => { r[RECORD_HEADER_BYTES + 8 + 8 * 1 + 77] ^= 4; return r; }) }, /record \d+ \(PAGES\) .* is corrupt: CRC32C 0x[0-9a-f]+, the data gives 0x[0-9a-f]+/],
  ['a corrupt length', { tamper: onRecord(REC.HART, (r) => { r[4] ^= 0x10; return r; }) }, /source record \d+ at byte \d+ is corrupt: its header's CRC32C is 0x[0-9a-f]+/],
  ['another version', { tamper: onHeader(() => encodeHeader(2)) }, /stream is version 2; this host reads version 1/],
  ['a bad magic', { tamper: onHeader((h) => { h[0] = 0x56; return h; }) }, /not a vmlab migration stream/],
  ['another RAM size', { accept: { ramBytes: 8 << 20 } }, /the VM has 4194304 bytes of RAM, this host takes VMs of 8388608/],
  ['another strategy', { accept: { strategies: ['hw-nested'] } }, /the VM runs under native, which this host does not run \(it runs hw-nested\)/],
  ['a page outside RAM', { tamper: onRecord(REC.ZERO_PAGES, () => encodeRecord(REC.ZERO_PAGES, encodePageList([1024]))) }, /ZERO_PAGES: page 0x400 is outside the VM's RAM of 1024 pages/],
  ['an unknown mandatory record', { tamper: onRecord(REC.CLOCK, (r) => concat(encodeRecord(0x77, new Uint8Array(5)), r)) }, /unknown mandatory record type 0x77/],
  ['a record lost (a whole PAGES record dropped)', { tamper: onRecord(REC.ZERO_PAGES, () => new Uint8Array(0)) }, /END: the source sent \d+ records before it, \d+ arrived/],
  ['a record repeated', { tamper: onRecord(REC.HART, (r) => concat(r, r)) }, /a second HART record|END: /],
  ['a damaged GO', { tamper: onRecord(REC.GO, (r) => { r[1] ^= 1; return r; }) }, /is corrupt: its header's CRC32C/],
];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe('stream defects are refused and the source goes on', () => {
  for (const [what, defect, message] of DEFECTS) {
    it(what, async () => {
      const { vm } = await bareDirty(PAGES, PASSES);
      vm.run(50_000);
      const before = machineDigest(vm);
      const m = await migrateInMemory(vm, { policy: 'stop-and-copy', maxBandwidth: 2 ** 31 }, { accept: defect.accept }, defect.tamper);
      expect(m.destError).toBeInstanceOf(MigrationRefused);
      expect(m.destError!.message).toMatch(message);
      expect(m.sourceError).toBeInstanceOf(MigrationFailed);
      expect((m.sourceError as MigrationFailed).sourceRunning).toBe(true);
      if (!/truncated|cut/.test(what)) expect(m.sourceError!.message).toMatch(message); // the refusal reached the source, with its reason
      expect(machineDigest(vm)).toBe(before); // nothing of the VM changed
      // A second, clean migration of the same VM completes, and the guest finishes there.
      const again = await migrateInMemory(vm, { policy: 'precopy', maxBandwidth: 2 ** 31, sliceInstructions: 20_000 });
      expect(again.sourceError).toBeUndefined();
      expect(again.received!.outcome).toEqual({ kind: 'halt', code: 0 });
      expect(again.received!.output).toMatch(/dirty: ok\n$/);
    });
  }

  it('an unknown optional record is skipped', async () => {
    const { vm } = await bareDirty(PAGES, 2000);
    const ref = runToEnd((await bareDirty(PAGES, 2000)).vm).output;
    // As a newer source would send it: the record is counted in END's summary like any other.
    let records = 0, chain = 0;
    const forward = (rec: Uint8Array) => { records++; chain = chainCrc(chain, new DataView(rec.buffer, rec.byteOffset).getUint32(8, true)); return rec; };
    const newer: Tamper = (bytes, offset) => {
      if (offset === 0) return bytes;
      if (typeOf(bytes) === REC.END) return encodeRecord(REC.END, encodeEnd({ records, chain }));
      if (typeOf(bytes) === REC.CLOCK) return concat(forward(encodeRecord(OPTIONAL | 0x77, new Uint8Array(3))), forward(bytes));
      return forward(bytes);
    };
    const m = await migrateInMemory(vm, { policy: 'stop-and-copy' }, {}, newer);
    expect(m.sourceError).toBeUndefined();
    expect(m.received!.output).toBe(ref);
  });
});
