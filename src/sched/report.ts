/** The table `vmlab host` prints: one row per VM, then the host's line. */
import Table from 'cli-table3';
import type { HostMetrics } from './metrics.js';
import { formatNs } from './time.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');

export function hostTable(m: HostMetrics, strategies: string[]): string {
  const t = new Table({
    head: ['VM', 'strategy', 'outcome', 'CPU time', 'share', 'entitled', 'share/ent.', 'share error (rms)', 'run-queue wait p50 / p99', 'wake-up latency p50 / p99 / max', 'switches in', 'blocks'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  const io = m.vms.some((v) => v.io);
  if (io) (t.options.head as string[]).push('I/O requests', 'I/O latency p50 / p99 / max', 'dom0 CPU for it');
  m.vms.forEach((v, i) => {
    const wake = v.wakeLatency.count ? `${formatNs(v.wakeLatency.p50)} / ${formatNs(v.wakeLatency.p99)} / ${formatNs(v.wakeLatency.max)}` : '—';
    const row = [v.name, strategies[i], v.outcome, formatNs(v.cpuNs), pct(v.share), pct(v.entitlement), Number.isFinite(v.normalized) ? v.normalized.toFixed(3) : '—',
      pct(v.shareError.rms), `${formatNs(v.runQueueWait.p50)} / ${formatNs(v.runQueueWait.p99)}`, wake, String(v.switchesIn), String(v.blocks)];
    if (io) row.push(v.io ? (v.io.block ? `${v.io.requests} (${v.io.block.jobs} block)` : String(v.io.requests)) : '—', v.io?.requests ? `${formatNs(v.io.latency.p50)} / ${formatNs(v.io.latency.p99)} / ${formatNs(v.io.latency.max)}` : '—', v.io ? formatNs(v.io.dom0Ns) : '—');
    t.push(row);
  });
  const host = [
    `${m.pcpus} pCPU${m.pcpus > 1 ? 's' : ''}, ${formatNs(m.endNs)} of virtual time (shares over the first ${formatNs(m.spanNs)}, when every VM ran)`,
    `Jain's index of normalized shares ${Number.isFinite(m.jain) ? m.jain.toFixed(4) : '—'}; pCPUs busy ${pct(m.busy)}, idle ${pct(m.idle)}, switching ${pct(m.switching)}; ${m.contextSwitches} context switches`,
    `steps ran ${pct(m.overrun)} past their ends in all (at most ${formatNs(m.maxOverrunNs)}); ${m.lateTickles} reschedules reached a pCPU after their time (mean ${formatNs(m.lateNsMean)} late)`,
  ];
  return `${t.toString()}\n${host.join('\n')}`;
}
