/** The committed guest images and a way to run one to its end on vmlab. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { boot } from '../../src/machine/boot.js';
import { runSession, type Outcome } from '../../src/machine/session.js';
import type { Machine } from '../../bindings/machine.js';

export const GUEST_DIR = join(import.meta.dirname, '..', '..', 'guests', 'build');

/** Images that only run under the PV hypervisor (src/pv): they start paged, with start_info, and never touch a device. */
export const PV_ONLY = new Set(['minios-pv']);

/** Names of the built guests that run on the bare machine (without .elf). */
export function guestNames(): string[] {
  if (!existsSync(GUEST_DIR)) return [];
  return readdirSync(GUEST_DIR).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4)).filter((n) => !PV_ONLY.has(n)).sort();
}

export function guestPath(name: string): string { return join(GUEST_DIR, `${name}.elf`); }

export interface GuestRun { outcome: Outcome; output: string; instructions: bigint; machine: Machine }

/** Boots a guest image and runs it to its end (or maxInstructions). */
export async function runGuest(name: string, maxInstructions = 200_000_000): Promise<GuestRun> {
  const { machine } = await boot(readFileSync(guestPath(name)));
  let output = '';
  const dec = new TextDecoder();
  const r = await runSession(machine, { maxInstructions, onOutput: (b) => { output += dec.decode(b, { stream: true }); } });
  return { outcome: r.outcome, output, instructions: r.instructions, machine };
}
