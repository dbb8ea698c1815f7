// What happens when the connection is lost. During pre-copy the source still has everything: it
// goes on running the VM with nothing lost, and a second migration completes. During post-copy
// the guest already runs on the destination while some of its pages are still only on the
// source, so neither side can go on: both report it, the destination keeps the VM paused with the
// pages it lacks not present, and the source keeps its (out-of-date) copy.
import { describe, it, expect } from 'vitest';
import { bareDirty, migrateInMemory, runToEnd } from '../helpers/migration.js';
import { REC } from '../../src/migration/stream/format.js';
import { MigrationFailed } from '../../src/migration/source.js';
import { MigrationRefused, PostcopyFailed } from '../../src/migration/destination.js';
import type { Tamper } from '../../src/migration/transport/memory.js';

const typeOf = (b: Uint8Array) => (b.length >= 4 ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) : -1);
/** Cuts the connection at the n-th record of `type` after the header. */
const cutAt = (type: number, n: number): Tamper => {
  let seen = 0;
  return (bytes, offset) => (offset > 0 && typeOf(bytes) === type && seen++ === n ? { cutAfter: new Uint8Array(0) } : bytes);
};
const FAST = { maxBandwidth: 2 ** 31, sliceInstructions: 20_000 };

describe('a connection lost', () => {
  it('during pre-copy: the VM goes on at the source with nothing lost, and migrates again', async () => {
    const ref = runToEnd((await bareDirty(128, 3000, 2 << 20)).vm).output;
    const { vm } = await bareDirty(128, 3000, 2 << 20);
    vm.run(200_000);
    const m = await migrateInMemory(vm, { ...FAST, policy: 'precopy' }, {}, cutAt(REC.PAGES, 1));
    expect(m.sourceError).toBeInstanceOf(MigrationFailed);
    expect((m.sourceError as MigrationFailed).phase).toBe('precopy');
    expect((m.sourceError as MigrationFailed).sourceRunning).toBe(true);
    expect(m.sourceError!.message).toMatch(/migration failed during precopy: the destination stream is truncated: the connection closed/);
    expect(m.destError).toBeInstanceOf(MigrationRefused);
    expect(vm.dirtyLog.logging).toBe(false); // logging stopped with the migration
    const again = await migrateInMemory(vm, { ...FAST, policy: 'precopy' });
    expect(again.sourceError).toBeUndefined();
    expect(m.sourceOutput + again.sourceOutput + again.received!.output).toBe(ref);
  });

  it('during post-copy: both sides report it; the destination keeps the VM paused with its missing pages not present', async () => {
    const { vm } = await bareDirty(128, 3000, 2 << 20);
    vm.run(200_000);
    const m = await migrateInMemory(vm, { policy: 'postcopy', maxBandwidth: 4 << 20 }, { slice: 20_000 }, cutAt(REC.PAGES, 3));
    const src = m.sourceError as MigrationFailed;
    expect(src).toBeInstanceOf(MigrationFailed);
    expect(src.phase).toBe('postcopy');
    expect(src.sourceRunning).toBe(false);
    expect(src.message).toMatch(/post-copy failed: .*the VM runs on the destination but \d+ of its pages are only here, so it cannot go on there, and the copy here is out of date/);
    const dst = m.destError as PostcopyFailed;
    expect(dst).toBeInstanceOf(PostcopyFailed);
    expect(dst.message).toMatch(/post-copy failed: the source stream is truncated: .*; \d+ pages never arrived, so the VM is paused here/);
    const missing = Number(/(\d+) pages never arrived/.exec(dst.message)![1]);
    expect(missing).toBeGreaterThan(0);
    let absent = 0;
    for (let g = 0; g < dst.vm.pages; g++) if (dst.vm.isAbsent(g)) absent++;
    expect(absent).toBe(missing);
    // Paused: running it would need a page that will never come.
    let r = dst.vm.run(100_000);
    for (let i = 0; i < 100 && r.kind === 'running'; i++) r = dst.vm.run(100_000);
    expect(r.kind).toBe('not-present');
  });
});
