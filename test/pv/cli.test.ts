// vmlab run --vmm pv: minios-pv boots under the hypervisor with boot arguments and a disk image,
// prints what minios prints with the same image behind the emulated virtio-blk, and --stats names
// the hypercalls.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patternDisk } from '../../src/vdev/block-store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const vmlab = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'vmlab.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });

describe('vmlab run --vmm pv', () => {
  it('boots minios-pv with a disk image; the io checksum is minios\'s on the same image behind virtio-blk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-pv-'));
    const disk = join(dir, 'disk.img');
    writeFileSync(disk, patternDisk(1 << 20, 99));
    const pv = vmlab('run', join(ROOT, 'guests/build/minios-pv.elf'), '--vmm', 'pv', '--bootargs', 'io=6', '--disk', disk, '--stats');
    expect(pv.status, pv.stderr).toBe(0);
    const line = /io n=6 checksum=\d+/.exec(pv.stdout)![0];
    expect(pv.stderr).toMatch(/event_channel_op/);
    expect(pv.stderr).toMatch(/guest PTEs validated/);
    const native = vmlab('run', join(ROOT, 'guests/build/minios.elf'), '--vmm', 'hw-nested', '--bootargs', 'io=6', '--disk', disk);
    expect(native.status, native.stderr).toBe(0);
    expect(native.stdout).toContain(line);
  });
  it('refuses a disk image it cannot open, with the reason', () => {
    const r = vmlab('run', join(ROOT, 'guests/build/minios-pv.elf'), '--vmm', 'pv', '--disk', '/nonexistent/disk.img');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot open disk image \/nonexistent\/disk.img/);
  });
});
