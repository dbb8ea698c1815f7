/** `vmlab run FILE`: boot a guest, connect its console, exit with its exit code. */
import { readFileSync } from 'node:fs';
import { boot } from '../machine/boot.js';
import { runSession, type SessionResult } from '../machine/session.js';
import { LoadError } from '../loader/index.js';
import { disassemble } from '../isa/disasm.js';
import { MachineError, type Machine, type HartProfile } from '../../bindings/machine.js';
import { machineStats } from '../machine/stats.js';
import { statsTable } from './stats-table.js';
import { attachDevices } from '../machine/devices.js';
import { openDisk } from './disk.js';

export interface RunOptions {
  mem: number;
  tlb: { entries: number; ways: number };
  ad: boolean;
  walkCaches: { pwc: boolean; ntlb: boolean };
  profile: HartProfile;
  maxInsns?: number;
  timebase: 'insn' | 'wall';
  stats?: boolean;
  trace?: number;
  /** A raw disk image for the virtio-blk device. */
  disk?: string;
}

/** Runs the command; returns the process exit code. */
export async function runCommand(file: string, opts: RunOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    process.stderr.write(`vmlab: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let machine: Machine;
  try {
    ({ machine } = await boot(bytes, {
      ramBytes: opts.mem, wallClock: opts.timebase === 'wall', tlb: opts.tlb, hardwareAD: opts.ad, walkCaches: opts.walkCaches, profile: opts.profile,
    }));
  } catch (e) {
    if (e instanceof LoadError || e instanceof MachineError) {
      process.stderr.write(`vmlab: cannot ${e instanceof LoadError ? `load ${file}` : 'set up the machine'}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const disk = opts.disk === undefined ? undefined : openDisk(opts.disk);
  if (disk instanceof Error) { process.stderr.write(`vmlab: ${disk.message}\n`); return 2; }
  if (opts.trace) traceInstructions(machine, opts.trace);
  const stdinChunks: Buffer[] = [];
  if (!process.stdin.isTTY) {
    process.stdin.on('data', (b: Buffer) => stdinChunks.push(b));
    process.stdin.on('error', () => {});
  }
  const result = await runSession(machine, {
    maxInstructions: opts.maxInsns,
    onOutput: (b) => process.stdout.write(b),
    input: () => (stdinChunks.length ? new Uint8Array(stdinChunks.splice(0).flatMap((b) => [...b])) : undefined),
    onSlice: () => new Promise((r) => setImmediate(r)),
    devices: attachDevices(machine, disk),
  });
  process.stdin.pause();
  if (opts.stats) printStats(machine, result);
  return exitCodeOf(result, opts.maxInsns);
}

function exitCodeOf(result: SessionResult, budget?: number): number {
  const o = result.outcome;
  const pc = `0x${result.last.pc.toString(16)}`;
  switch (o.kind) {
    case 'halt': return o.code & 0xff;
    case 'budget':
      process.stderr.write(`vmlab: instruction budget of ${budget} exhausted at pc=${pc} without the guest halting\n`);
      return 124;
    case 'wfi-deadlock':
      process.stderr.write(`vmlab: the guest waits (wfi) at pc=${pc} for an interrupt that nothing can raise\n`);
      return 125;
    default:
      process.stderr.write(`vmlab: unexpected ${o.kind} exit at pc=${pc}\n`);
      return 126;
  }
}

/** Prints the first n instructions the hart executes (pc, privilege, bits, disassembly) to stderr. */
function traceInstructions(machine: Machine, n: number): void {
  for (let i = 0; i < n; i++) {
    const pc = machine.pc;
    const t = machine.translate(pc, 2, machine.priv);
    let bits = 0;
    if (t.ok) {
      try {
        const b = machine.readPhys(t.pa, 2);
        bits = b[0] | (b[1] << 8);
        if ((bits & 3) === 3) {
          const hi = machine.readPhys(t.pa + 2n, 2);
          bits = (bits | (hi[0] << 16) | (hi[1] << 24)) >>> 0;
        }
      } catch { /* fetch outside RAM: the run below reports the fault */ }
    }
    const text = t.ok ? disassemble(bits, pc, (c) => machine.expandCompressed(c)) : '(fetch fault)';
    const width = (bits & 3) === 3 ? 8 : 4;
    process.stderr.write(`${String(i).padStart(6)} ${'UScM'[machine.priv]} 0x${pc.toString(16).padStart(16, '0')}  ${bits.toString(16).padStart(width, '0').padEnd(8)}  ${text}\n`);
    const e = machine.run(1);
    if (e.reason !== 'budget') break;
  }
}

function printStats(machine: Machine, r: SessionResult): void {
  process.stderr.write(statsTable(machineStats(machine, r)) + '\n');
}
