/** Running the same guest on qemu-system-riscv64 (TCG) for a reference time, when it is installed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = 'qemu-system-riscv64';

export function qemuAvailable(): boolean {
  return spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface QemuRun { seconds: number; status: number | null; output: string }

/** Runs an image under `-machine virt -bios none` and times the whole process. */
export function runQemu(image: string, timeoutMs = 600_000, extra: string[] = []): QemuRun {
  const t0 = performance.now();
  const r = spawnSync(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', ...extra, '-kernel', image], {
    encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { seconds: (performance.now() - t0) / 1000, status: r.status, output: r.stdout ?? '' };
}

/** A raw image that powers off at once through the finisher: QEMU's start-up and shut-down cost. */
export function emptyGuest(): string {
  const words = [
    0x001002b7, // lui t0, 0x100
    0x00005337, // lui t1, 0x5
    0x5553031b, // addiw t1, t1, 0x555
    0x0062a023, // sw t1, 0(t0)
    0x0000006f, // j .
  ];
  const bytes = new Uint8Array(new Uint32Array(words).buffer);
  const dir = mkdtempSync(join(tmpdir(), 'vmlab-bench-'));
  const file = join(dir, 'empty.bin');
  writeFileSync(file, bytes);
  return file;
}
