// `vmlab run`: console on stdout, the guest's exit status, clear errors for bad input.
import { describe, it, expect } from 'vitest';
import { runVmlab } from '../helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'vmlab-cli-'));

function image(name: string, words: number[]): string {
  const file = join(dir, name);
  writeFileSync(file, new Uint8Array(new Uint32Array(words).buffer));
  return file;
}
const PRINT_A = [0x100003b7, 0x04100e13, 0x01c38023]; // lui t2,0x10000; li t3,'A'; sb t3,0(t2)
const PASS = [0x001002b7, 0x00005337, 0x5553031b, 0x0062a023, 0x0000006f]; // finisher 0x5555; j .
const FAIL3 = [0x001002b7, 0x00033337, 0x3333031b, 0x0062a023, 0x0000006f]; // finisher (3<<16)|0x3333

const vmlab = (...args: string[]) => runVmlab([...args], { timeout: 60_000 });

describe('vmlab run', () => {
  it('prints the guest console and exits 0 when the guest passes', async () => {
    const r = await vmlab('run', image('pass.bin', [...PRINT_A, ...PASS]));
    expect(r.stdout).toBe('A');
    expect(r.status).toBe(0);
  });
  it('exits with the guest exit code from the finisher', async () => {
    expect((await vmlab('run', image('fail.bin', FAIL3))).status).toBe(3);
  });
  it('stops at --max-insns with status 124 and says so', async () => {
    const r = await vmlab('run', image('spin.bin', [0x0000006f]), '--max-insns', '1000');
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/budget of 1000 exhausted at pc=0x80000000/);
  });
  it('--max-insns also ends a guest caught in a loop of faults', async () => {
    const r = await vmlab('run', image('faults.bin', [0x00000000]), '--max-insns', '100000'); // illegal; mtvec = 0 faults too
    expect(r.status).toBe(124);
  });
  it('--stats prints instructions and TLB counters; --trace disassembles', async () => {
    const r = await vmlab('run', image('stats.bin', PASS), '--stats', '--trace', '2');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/instructions\s*│\s*4\b/);
    expect(r.stderr).toMatch(/TLB read hits/);
    expect(r.stderr).toMatch(/0x0000000080000000 {2}001002b7 {2}lui t0, 0x100/);
  });
  it('refuses bad options and bad files with a clear message and status 2', async () => {
    const spin = image('s.bin', [0x0000006f]);
    for (const [args, msg] of [
      [['run', spin, '--mem', '12Q'], /not a size/],
      [['run', spin, '--mem', '1000'], /multiple of 4 KiB/],
      [['run', spin, '--max-insns', '-5'], /not a positive count/],
      [['run', spin, '--timebase', 'moon'], /insn.*wall/],
      [['run', join(dir, 'missing.elf')], /cannot read/],
      [['run', image('bad.elf', [0x464c457f, 0x00010101, ...new Array(14).fill(0)])], /cannot load .*class 1 is not ELFCLASS64/],
      [['frobnicate'], /unknown command/],
      [['run', spin, '--tlb', '64'], /entries x ways/],
      [['run', spin, '--tlb', '48x4'], /TLB geometry 48 entries/],
      [['run', spin, '--ad', 'maybe'], /fault.*hardware/],
      [['run', spin, '--walk-caches', 'pwc,l3'], /unknown walk cache "l3"/],
    ] as const) {
      const r = await vmlab(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
