// The stream fuzz of the bar: 1,000 migrations of a small VM (fixed seed) whose stream to
// the destination is mutated on the way — bits flipped, bytes overwritten, inserted or deleted,
// or the connection cut — are every one refused with a message, each failed migration leaves the
// source's VM exactly as it was (hart, devices and RAM), and afterwards a clean migration of it
// completes and the guest finishes its work on the destination.
import { describe, it, expect } from 'vitest';
import { Rng } from '../helpers/rng.js';
import { bareDirty, migrateInMemory, machineDigest } from '../helpers/migration.js';
import { MigrationFailed } from '../../src/migration/source.js';
import { MigrationRefused } from '../../src/migration/destination.js';
import type { Tamper } from '../../src/migration/transport/memory.js';

const CASES = 1000;
/** A stream cut inside its last records leaves both sides waiting: the stall timeout ends it. */
const STALL = 100;
const KINDS = ['flip', 'overwrite', 'insert', 'delete', 'truncate'] as const;
type Kind = (typeof KINDS)[number];

/** A tamper that applies one mutation at byte `at` of the whole stream. */
function mutation(rng: Rng, kind: Kind, at: number): Tamper {
  const n = rng.range(1, 24);
  return (bytes, offset) => {
    const i = at - offset;
    if (i < 0 || i >= bytes.length) return bytes;
    switch (kind) {
      case 'flip': for (let k = 0; k < Math.min(3, n); k++) bytes[Math.min(bytes.length - 1, i + k * 7)] ^= 1 << rng.int(8); return bytes;
      case 'overwrite': { const b = bytes.slice(); for (let k = i; k < Math.min(bytes.length, i + n); k++) b[k] = (b[k] + 1 + rng.int(255)) & 0xff; return b; }
      case 'insert': { const extra = Uint8Array.from({ length: n }, () => rng.int(256)); return join(bytes.subarray(0, i), extra, bytes.subarray(i)); }
      case 'delete': return join(bytes.subarray(0, i), bytes.subarray(Math.min(bytes.length, i + n)));
      case 'truncate': return { cutAfter: bytes.subarray(0, i) };
    }
  };
}
function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

describe('stream fuzz', () => {
  it(`${CASES} mutated or truncated streams are all refused with a message; the source VM is intact and then migrates cleanly`, async () => {
    const { vm } = await bareDirty(4, 20_000, 64 << 10);
    vm.run(20_000);
    const before = machineDigest(vm);
    // The length of a clean stream to a destination (measured by a migration that is refused at the end).
    let total = 0;
    await migrateInMemory(vm, { policy: 'stop-and-copy' }, {}, (b) => { total += b.length; return b; }).then(() => {});
    // That one went through: start again from a fresh copy of the same VM.
    const { vm: source } = await bareDirty(4, 20_000, 64 << 10);
    source.run(20_000);
    expect(machineDigest(source)).toBe(before);
    // One destination machine serves every case (a new machine per case would be most of the time).
    const target = (await bareDirty(4, 1, 64 << 10)).vm;
    const reuse = { destroy: () => {} };
    const createVm = async () => Object.assign(Object.create(target) as typeof target, reuse);
    const rng = new Rng(20_051_105);
    const refused = new Map<Kind, number>();
    for (let c = 0; c < CASES; c++) {
      const kind = KINDS[c % KINDS.length];
      const at = rng.int(total);
      const m = await migrateInMemory(source, { policy: 'stop-and-copy', stallTimeoutMs: STALL }, { createVm, stallTimeoutMs: STALL }, mutation(rng, kind, at));
      const where = `case ${c}: ${kind} at byte ${at} of ${total}`;
      expect(m.received, where).toBeUndefined();
      expect(m.destError, where).toBeInstanceOf(MigrationRefused);
      expect(m.destError!.message.length, where).toBeGreaterThan(20);
      expect(m.sourceError, where).toBeInstanceOf(MigrationFailed);
      expect((m.sourceError as MigrationFailed).sourceRunning, `${where}: ${m.sourceError!.message}`).toBe(true);
      refused.set(kind, (refused.get(kind) ?? 0) + 1);
    }
    expect([...refused.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
    expect(machineDigest(source)).toBe(before);
    const clean = await migrateInMemory(source, { policy: 'precopy', sliceInstructions: 20_000 });
    expect(clean.sourceError).toBeUndefined();
    expect(clean.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    expect(clean.sourceOutput + clean.received!.output).toMatch(/^dirty: pages 4 passes 20000 sum 128\ndirty: ok\n$/);
  }, 120_000);
});
