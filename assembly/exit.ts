// Filling the exit record. The interpreter adds the pc and counts the exit when it returns.
import { S_exitReason, S_exitCode, S_exitCause, S_exitTval, S_exitGpa, S_exitTinst, S_exitVirt, S_exitPriv, S_virt, S_priv } from './gen/layout';
import { EXIT_HALT, ST_EXIT } from './cpu/defs';

/** Asks the interpreter to return to the host with `reason`. Returns ST_EXIT. */
export function requestExit(reason: i32): i32 {
  store<u64>(S_exitReason, reason);
  return ST_EXIT;
}

/** The trap part of the exit record: cause, trap value, guest physical address, htinst, and the mode. */
export function recordTrapExit(cause: u64, tval: u64, gpa: u64, tinst: u64): void {
  store<u64>(S_exitCause, cause);
  store<u64>(S_exitTval, tval);
  store<u64>(S_exitGpa, gpa);
  store<u64>(S_exitTinst, tinst);
  store<u64>(S_exitVirt, load<u64>(S_virt));
  store<u64>(S_exitPriv, load<u64>(S_priv));
}

/** The guest powered off (finisher or HTIF) with `code` (0 = success). */
export function requestHalt(code: u64): i32 {
  store<u64>(S_exitCode, code);
  store<u64>(S_exitCause, 0);
  store<u64>(S_exitTval, 0);
  return requestExit(EXIT_HALT);
}
