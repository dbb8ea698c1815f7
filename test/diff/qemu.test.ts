// Differential runs: each guest under qemu-system-riscv64 -machine virt -bios none and under vmlab
// must print the same console output and exit with the same status.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { guestNames, guestPath, runGuest } from '../helpers/guests.js';
import { runProgram } from '../helpers/cli.js';

const QEMU = 'qemu-system-riscv64';
const haveQemu = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
const names = guestNames().filter((n) => n !== 'loop' && n !== 'mixed');

if (!haveQemu) console.warn(`[skip] differential tests: ${QEMU} is not installed (apt-get install qemu-system-misc)`);

describe.skipIf(!haveQemu || names.length === 0)('vmlab and QEMU agree', () => {
  for (const name of names) {
    it(`${name}: same output and exit status`, async () => {
      // The hypervisor guests need the H extension (QEMU 7.2's default rv64 CPU has it; say so anyway).
      const cpu = name.startsWith('hyp-') ? ['-cpu', 'rv64,h=true'] : [];
      const q = await runProgram(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', ...cpu, '-kernel', guestPath(name)], { timeout: 60_000 });
      const v = await runGuest(name);
      const vStatus = v.outcome.kind === 'halt' ? v.outcome.code : -1;
      expect(v.output).toBe(q.stdout.replace(/\r\n/g, '\n'));
      expect(vStatus).toBe(q.status);
    });
  }
});
