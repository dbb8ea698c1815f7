/**
 * Running a booted machine to its end: slices of instructions, console output handed to a sink
 * between slices, console input fed in, and a clear outcome (halted with a code, budget spent,
 * or waiting for an interrupt nothing can raise).
 */
import type { Machine } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import type { MmioBus } from '../vdev/bus.js';
import { attachDevices, serveMmio } from './devices.js';

/** Options of {@link runSession}. */
export interface SessionOptions {
  /** Most instructions (and traps) to run (default: no limit). */
  maxInstructions?: number;
  /** Receives console output as it appears. */
  onOutput?: (bytes: Uint8Array) => void;
  /** Supplies pending console input (called between slices). */
  input?: () => Uint8Array | undefined;
  /** Instructions per slice (default 4M): the granularity of output and input. */
  slice?: number;
  /** Called after each slice, e.g. for a progress display or to yield to the event loop. */
  onSlice?: () => Promise<void> | void;
  /**
   * Called when the hart idles in WFI with nothing able to wake it from inside the machine. With
   * the host clock as timebase, time passes while it waits (return true to go on). Without it the
   * session ends with 'wfi-deadlock' unless input keeps arriving.
   */
  onIdle?: () => Promise<boolean>;
  /**
   * The machine's virtio-mmio devices (default: QEMU virt's eight transports, none with a device);
   * false leaves MMIO exits to the caller (the session then ends on one).
   */
  devices?: MmioBus | false;
}

/** How a session ended. */
export type Outcome =
  | { kind: 'halt'; code: number }
  | { kind: 'budget' }
  | { kind: 'wfi-deadlock' }
  | { kind: 'trap'; exit: ExitRecord }
  | { kind: 'mmio'; exit: ExitRecord };

/** What {@link runSession} returns: the outcome, the instructions retired, the wall time and the last exit. */
export interface SessionResult {
  outcome: Outcome;
  instructions: bigint;
  seconds: number;
  last: ExitRecord;
}

/** Runs until the guest halts, the budget is spent, or an exit the session cannot handle. */
export async function runSession(machine: Machine, options: SessionOptions = {}): Promise<SessionResult> {
  const slice = options.slice ?? 1 << 22;
  const start = machine.counters().instret as bigint;
  // The budget counts retired instructions and traps, as run() does, so a fault loop ends too.
  const spent = () => { const c = machine.counters(); return (c.instret as bigint) + (c.exceptions as bigint) + (c.interrupts as bigint); };
  const spentAtStart = spent();
  const limit = options.maxInstructions ?? Number.MAX_SAFE_INTEGER;
  let done = 0;
  const t0 = performance.now();
  let last: ExitRecord;
  let outcome: Outcome | undefined;
  let idleWfi = 0;
  const bus = options.devices === false ? undefined : options.devices ?? attachDevices(machine);
  if (bus) machine.configure({ exitOnMmio: true });
  for (;;) {
    const pending = options.input?.();
    if (pending?.length) machine.sendConsole(pending);
    const n = Math.min(slice, limit - done);
    if (n <= 0) { last = { reason: 'budget', pc: machine.pc, insn: 0 }; outcome = { kind: 'budget' }; break; }
    last = machine.run(n);
    const out = machine.drainConsole();
    if (out.length) options.onOutput?.(out);
    done = Number(spent() - spentAtStart);
    if (last.reason === 'halt') { outcome = { kind: 'halt', code: last.code ?? 0 }; break; }
    if (last.reason === 'trap') { outcome = { kind: 'trap', exit: last }; break; }
    if (last.reason === 'mmio' && bus) { serveMmio(machine, bus, last); continue; }
    if (last.reason === 'mmio') { outcome = { kind: 'mmio', exit: last }; break; }
    if (last.reason === 'wfi') {
      if (options.onIdle) {
        if (!(await options.onIdle())) { outcome = { kind: 'wfi-deadlock' }; break; }
      } else if (!options.input || ++idleWfi > 1000) {
        // Nothing in the machine can wake the hart; only console input could, and none comes.
        outcome = { kind: 'wfi-deadlock' };
        break;
      }
    } else idleWfi = 0;
    await options.onSlice?.();
  }
  const seconds = (performance.now() - t0) / 1000;
  const instructions = (machine.counters().instret as bigint) - start;
  return { outcome: outcome!, instructions, seconds, last: last! };
}
