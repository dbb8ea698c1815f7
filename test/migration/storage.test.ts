// Storage handover: the VM's disk is a file both hosts open (as a disk image on shared storage).
// A PV domain writing blocks through blkfront migrates mid-way; the source's backend answers
// every request it took and flushes the file before the switch-over, the destination opens the
// same file, and nothing written is lost: the guest reads back every block it wrote, on either
// side of the migration (its checksum is the host's of the pattern), and the file holds them.
import { describe, it, expect } from 'vitest';
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { miniosVm, migrateInMemory } from '../helpers/migration.js';
import { VmmVm } from '../../src/migration/vm/vmm-vm.js';
import { FileBlockStore } from '../../src/vdev/file-block-store.js';

const RAM = 48 << 20, N = 500, BLOCK = 4096;
/** What iowrite writes to block i. */
const block = (i: number) => Uint8Array.from({ length: BLOCK }, (_, k) => (i * 131 + k * 7 + 1) & 0xff);
function fnv(bytes: Uint8Array, h: bigint): bigint {
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

describe('storage handover', () => {
  it('writes to a shared disk file survive migration: read back on the destination, all in the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vmlab-shared-')), 'disk.img');
    writeFileSync(file, new Uint8Array(4 << 20));
    const here = new FileBlockStore(file, false);
    const { vm } = await miniosVm('pv', `iowrite=${N} tick=100000`, RAM, { disk: here });
    vm.run(6_000_000); // some of the blocks written here
    const before = vm.takeOutput();
    expect(before).not.toMatch(/iowrite n=/);
    const onDisk = readFileSync(file);
    const writtenHere = [...Array(N).keys()].filter((i) => onDisk.subarray(i * BLOCK, (i + 1) * BLOCK).equals(Buffer.from(block(i)))).length;
    expect(writtenHere, 'the migration starts mid-way through the writes').toBeGreaterThan(0);
    expect(writtenHere).toBeLessThan(N);
    let there: FileBlockStore | undefined;
    const m = await migrateInMemory(vm, { policy: 'precopy', maxBandwidth: 2 ** 31, sliceInstructions: 20_000 }, {
      createVm: async () => VmmVm.create('pv', RAM, true, { disk: (there = new FileBlockStore(file, false)) }),
    });
    expect(m.sourceError).toBeUndefined();
    expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < N; i++) h = fnv(block(i), h);
    expect(before + m.sourceOutput + m.received!.output).toContain(`iowrite n=${N} checksum=${h}\n`);
    const disk = readFileSync(file);
    for (let i = 0; i < N; i++) expect(disk.subarray(i * BLOCK, (i + 1) * BLOCK).equals(Buffer.from(block(i))), `block ${i}`).toBe(true);
    here.close();
    there!.close();
  }, 30_000);
});
