/**
 * `npm run bench`: the compute loop and the mixed workload on vmlab and, when installed, on
 * qemu-system-riscv64 in the same run. Prints instructions, seconds, MIPS and vmlab/QEMU ratios.
 * QEMU's time excludes its start-up (measured on an empty guest in the same run); QEMU's MIPS use
 * vmlab's instruction count, since both execute the same deterministic instruction stream.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { boot } from '../src/machine/boot.js';
import { runSession } from '../src/machine/session.js';
import { qemuAvailable, runQemu, emptyGuest } from './qemu.js';

const GUESTS = join(import.meta.dirname, '..', 'guests', 'build');
const WORKLOADS = (process.argv[2] ?? 'loop,mixed').split(',');

interface Row { workload: string; instructions: bigint; seconds: number; mips: number; qemuSeconds?: number; qemuMips?: number; output: string }

async function onVmlab(file: string): Promise<Row> {
  const { machine } = await boot(readFileSync(file));
  let output = '';
  const r = await runSession(machine, { onOutput: (b) => { output += new TextDecoder().decode(b); } });
  if (r.outcome.kind !== 'halt' || r.outcome.code !== 0) throw new Error(`${file}: ${JSON.stringify(r.outcome)}`);
  return { workload: '', instructions: r.instructions, seconds: r.seconds, mips: Number(r.instructions) / r.seconds / 1e6, output };
}

const rows: Row[] = [];
const haveQemu = qemuAvailable();
const qemuStartup = haveQemu ? Math.min(...[0, 1, 2].map(() => runQemu(emptyGuest()).seconds)) : 0;
for (const w of WORKLOADS) {
  const file = join(GUESTS, `${w}.elf`);
  if (!existsSync(file)) { console.error(`bench: ${file} is missing (npm run build:guests)`); continue; }
  const row = await onVmlab(file);
  row.workload = w;
  if (haveQemu) {
    const q = runQemu(file);
    if (q.status !== 0) console.error(`bench: QEMU exited with ${q.status} on ${w}`);
    row.qemuSeconds = Math.max(q.seconds - qemuStartup, 1e-6);
    row.qemuMips = Number(row.instructions) / row.qemuSeconds / 1e6;
  }
  rows.push(row);
  process.stderr.write(`${w}: ${row.output.trim()}\n`);
}

const t = new Table({ head: ['workload', 'instructions', 'vmlab s', 'vmlab MIPS', 'QEMU s', 'QEMU MIPS', 'vmlab/QEMU'], style: { head: [], border: [] } });
for (const r of rows) {
  t.push([r.workload, r.instructions.toLocaleString('en-US'), r.seconds.toFixed(2), r.mips.toFixed(0),
    r.qemuSeconds?.toFixed(2) ?? '-', r.qemuMips?.toFixed(0) ?? '-', r.qemuMips ? (r.mips / r.qemuMips).toFixed(3) : '-']);
}
console.log(t.toString());
console.log(`node ${process.version}, ${haveQemu ? `QEMU start-up ${qemuStartup.toFixed(3)} s subtracted` : 'QEMU not installed'}`);
