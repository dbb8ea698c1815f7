// Filling the exit record. The interpreter adds the pc and counts the exit when it returns.
import { S_exitReason, S_exitCode, S_exitCause, S_exitTval } from './gen/layout';
import { EXIT_HALT, ST_EXIT } from './cpu/defs';

/** Asks the interpreter to return to the host with `reason`. Returns ST_EXIT. */
export function requestExit(reason: i32): i32 {
  store<u64>(S_exitReason, reason);
  return ST_EXIT;
}

/** The guest powered off (finisher or HTIF) with `code` (0 = success). */
export function requestHalt(code: u64): i32 {
  store<u64>(S_exitCode, code);
  store<u64>(S_exitCause, 0);
  store<u64>(S_exitTval, 0);
  return requestExit(EXIT_HALT);
}
