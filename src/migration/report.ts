/**
 * What a migration measured (all times wall time unless they say otherwise): per pre-copy round
 * the pages and bytes sent, how long it took, and how many pages the guest dirtied meanwhile; the
 * stop-and-copy; the post-copy period; total time and downtime, as wall time (the source stopping
 * to the destination resuming) and as the guest's clock saw it.
 */
export interface RoundReport {
  round: number;
  /** Pages sent in the round, zero pages included. */
  pages: number;
  zeroPages: number;
  bytes: number;
  ms: number;
  /** Pages the guest dirtied during the round (what the next round, or the stop, must send). */
  dirtied: number;
  /** dirtied per second of the round. */
  dirtyRate: number;
  /** The rate limit in force (bytes/s), and the vCPU throttle (percent) during the round. */
  rate: number;
  throttle: number;
  /** Guest instructions the source ran during the round. */
  instructions: number;
}

export interface PhaseReport { pages: number; zeroPages: number; bytes: number; ms: number }

export interface PostcopyReport extends PhaseReport {
  /** Pages the destination asked for (faults), and pages pushed without being asked. */
  requested: number;
  pushed: number;
  /** Requests made (a request may name several pages). */
  requests: number;
}

export interface MigrationReport {
  policy: string;
  strategy: string;
  ramBytes: number;
  rounds: RoundReport[];
  /** What went while the guest was stopped (the last dirty pages and the state). */
  stop: PhaseReport;
  postcopy?: PostcopyReport;
  totalMs: number;
  /** Wall time from the source's last guest instruction to the destination's first. */
  downtimeMs: number;
  /** The jump of the guest's own clock (mtime) over the switch-over, in ms of guest time. */
  guestDowntimeMs: number;
  bytesSent: number;
  pagesSent: number;
  /** The writable working set: the pages dirtied during the last pre-copy round. */
  writableWorkingSet: number;
  /** Epoch milliseconds of the phases, for plots: start, stop, resume, end. */
  at: { start: number; stop: number; resume: number; end: number };
}

/** A short human summary of a report. */
export function summary(r: MigrationReport): string {
  const mib = (b: number) => (b / 1048576).toFixed(1);
  const lines = [
    `${r.policy} of a ${mib(r.ramBytes)} MiB VM (${r.strategy}): total ${r.totalMs.toFixed(1)} ms, downtime ${r.downtimeMs.toFixed(1)} ms (guest clock ${r.guestDowntimeMs.toFixed(1)} ms), ${mib(r.bytesSent)} MiB in ${r.pagesSent} pages`,
  ];
  for (const x of r.rounds) {
    lines.push(`  round ${x.round}: ${x.pages} pages (${x.zeroPages} zero), ${mib(x.bytes)} MiB in ${x.ms.toFixed(1)} ms; dirtied ${x.dirtied} (${x.dirtyRate.toFixed(0)} pages/s)${x.throttle ? `, throttle ${x.throttle}%` : ''}`);
  }
  lines.push(`  stop: ${r.stop.pages} pages, ${mib(r.stop.bytes)} MiB in ${r.stop.ms.toFixed(1)} ms; writable working set ${r.writableWorkingSet} pages`);
  if (r.postcopy) lines.push(`  post-copy: ${r.postcopy.requested} pages on request (${r.postcopy.requests} requests), ${r.postcopy.pushed} pushed, in ${r.postcopy.ms.toFixed(1)} ms`);
  return lines.join('\n');
}
