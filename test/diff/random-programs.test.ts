// Differential runs of random RV64IMC programs: the scratch memory and every register after a
// random mix of ALU, M, misaligned load/store, branch, jump and compressed instructions must be the
// same on vmlab as on qemu-system-riscv64.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runProgram } from '../helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import { randomProgram } from '../helpers/random-program.js';

const QEMU = 'qemu-system-riscv64';
const haveQemu = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
const PROGRAMS = Number(process.env.VMLAB_RANDOM_PROGRAMS ?? 60);

async function onVmlab(image: Uint8Array): Promise<string> {
  const m = await Machine.create({ ramBytes: 1 << 20 });
  m.writePhys(RAM_BASE, image);
  m.reset(RAM_BASE);
  let out = '';
  for (let i = 0; i < 1000; i++) {
    const e = m.run(1_000_000);
    out += new TextDecoder().decode(m.drainConsole());
    if (e.reason === 'halt') return out;
    if (e.reason !== 'budget' && e.reason !== 'console') throw new Error(`unexpected exit ${e.reason} at 0x${e.pc.toString(16)}`);
  }
  throw new Error('program did not halt');
}

describe.skipIf(!haveQemu)('random programs: vmlab and QEMU agree on memory and registers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmlab-random-'));
  for (let seed = 1; seed <= PROGRAMS; seed++) {
    it(`program ${seed}`, async () => {
      const image = randomProgram(seed);
      const file = join(dir, `p${seed}.bin`);
      writeFileSync(file, image);
      const q = await runProgram(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', file], { timeout: 30_000 });
      expect(q.status).toBe(0);
      const v = await onVmlab(image);
      expect(v.split('\n').length).toBe(513);
      if (v !== q.stdout) {
        const a = v.split('\n'), b = q.stdout.split('\n');
        const i = a.findIndex((l, k) => l !== b[k]);
        expect.fail(`first difference at word ${i} (${i >= 128 + 128 ? `x${i - 384}` : 'memory'}): vmlab ${a[i]} qemu ${b[i]}`);
      }
    });
  }
});
