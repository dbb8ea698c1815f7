/**
 * What a host run measured, in virtual time: each VM's CPU time against its entitlement, Jain's
 * fairness index of the normalized shares, the share error over time windows, run-queue waits,
 * wake-up latencies and context switches, and the host's own overheads.
 *
 * Shares are in pCPUs (1 = one pCPU all the time; xentop's CPU% / 100), measured over the span in
 * which every VM existed (up to the first VM's end, in whole windows), so that VMs that finish
 * early do not distort the comparison with entitlements that assume every VM wants the CPU.
 */
import type { Host } from './host.js';
import type { HostVcpu } from './vcpu.js';
import type { Scheduler } from './scheduler.js';
import { DriverDomain } from './dom0.js';

/**
 * Jain's fairness index (Jain, Chiu & Hawe, DEC-TR-301, 1984): (Σx)² / (n·Σx²), 1 when all x are
 * equal, 1/n when one gets everything. NaN for no values or all zeros.
 */
export function jain(xs: readonly number[]): number {
  const s = xs.reduce((a, x) => a + x, 0), q = xs.reduce((a, x) => a + x * x, 0);
  return xs.length === 0 || q === 0 ? NaN : (s * s) / (xs.length * q);
}

/** The nearest-rank percentile p (0..100) of xs; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface Distribution { count: number; mean: number; p50: number; p90: number; p99: number; max: number; stddev: number }

export function distribution(xs: readonly number[]): Distribution {
  const n = xs.length;
  const mean = n ? xs.reduce((a, x) => a + x, 0) / n : NaN;
  const stddev = n ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n) : NaN;
  return { count: n, mean, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: n ? Math.max(...xs) : NaN, stddev };
}

export interface VmMetrics {
  name: string;
  outcome: string;
  /** CPU time over the whole run (ns), and when the VM ended. */
  cpuNs: number;
  finishedNs: number | undefined;
  /** Share over the common span (pCPUs), what the scheduler's parameters entitle it to, and their ratio. */
  share: number;
  entitlement: number;
  normalized: number;
  /** Share minus entitlement, per error window (300 ms: ten Credit slices) of the common span: root mean square and largest magnitude. */
  shareError: { rms: number; max: number };
  runQueueWait: Distribution;
  wakeLatency: Distribution;
  switchesIn: number;
  blocks: number;
  /** CPU share per window over the whole run (for plots). */
  timeline: number[];
  /** With a driver domain: its requests, their latency (request to completion) and dom0's CPU time for them. */
  io: {
    requests: number; latency: Distribution; dom0Ns: number;
    /** The block backend's part (a pv VM's blkfront): notifications served, ring requests, bytes, latency (notification to response), dom0's time. */
    block: { jobs: number; requests: number; bytes: number; latency: Distribution; dom0Ns: number } | undefined;
  } | undefined;
}

export interface HostMetrics {
  /** Virtual time the run reached, and the common span shares are measured over (ns). */
  endNs: number;
  spanNs: number;
  windowNs: number;
  pcpus: number;
  /** Fractions of the pCPUs' time: running vCPUs, idle, switching between vCPUs. */
  busy: number;
  idle: number;
  switching: number;
  contextSwitches: number;
  /** Jain's index of the VMs' normalized shares. */
  jain: number;
  /** Events one pCPU's vCPU caused for a pCPU that had already run past them (see host.ts). */
  lateTickles: number;
  lateNsMean: number;
  /** How far steps ran past their end, as a fraction of all CPU time, and the largest (ns): how exact the slicing is. */
  overrun: number;
  maxOverrunNs: number;
  vms: VmMetrics[];
}

/** The share error is measured over windows of this many ns (whole multiples of the host's windows). */
export const ERROR_WINDOW_NS = 300e6;

export function measure(host: Host, scheduler: Scheduler, errorWindowNs = ERROR_WINDOW_NS): HostMetrics {
  const w = host.windowNs, end = host.now;
  const firstEnd = Math.min(end, ...host.vcpus.map((v) => v.record.finishedAt ?? Infinity));
  const windows = Math.max(1, Math.floor(firstEnd / w));
  const span = Math.floor(firstEnd / w) >= 1 ? windows * w : firstEnd;
  const ents = scheduler.entitlements(host.vcpus);
  const dom0 = host.vcpus.map((v) => v.body).find((b): b is DriverDomain => b instanceof DriverDomain);
  const group = Math.max(1, Math.round(errorWindowNs / w));
  const vms = host.vcpus.map((v) => vmMetrics(v, ents.get(v.id) ?? 0, span, windows, w, end, dom0, group));
  const total = end * host.pcpus.length;
  const sum = (f: (p: Host['pcpus'][number]) => number) => host.pcpus.reduce((a, p) => a + f(p), 0);
  return {
    endNs: end, spanNs: span, windowNs: w, pcpus: host.pcpus.length,
    busy: sum((p) => p.busyNs) / total, idle: sum((p) => p.idleNs) / total, switching: sum((p) => p.switchNs) / total,
    contextSwitches: sum((p) => p.switches),
    jain: jain(vms.filter((v) => v.entitlement > 0).map((v) => v.normalized)),
    lateTickles: host.lateTickles, lateNsMean: host.lateTickles ? host.lateNs / host.lateTickles : 0,
    overrun: host.vcpus.reduce((a, v) => a + (v.body.overrunNs ?? 0), 0) / Math.max(1, host.vcpus.reduce((a, v) => a + v.cpuNs, 0)),
    maxOverrunNs: Math.max(0, ...host.vcpus.map((v) => v.body.maxOverrunNs ?? 0)),
    vms,
  };
}

function vmMetrics(v: HostVcpu, entitlement: number, span: number, windows: number, w: number, end: number, dom0: DriverDomain | undefined, group: number): VmMetrics {
  const served = dom0?.clients.get(v.name);
  const win = v.record.windows;
  const inSpan = span === windows * w ? win.slice(0, windows).reduce((a, x) => a + x, 0) : v.cpuNs;
  const share = span > 0 ? inSpan / span : 0;
  const groups = span === windows * w ? Math.floor(windows / group) : 0;
  const errors = Array.from({ length: groups }, (_, g) => win.slice(g * group, (g + 1) * group).reduce((a, x) => a + x, 0) / (group * w) - entitlement);
  const all = Math.ceil(end / w);
  return {
    name: v.name, outcome: v.record.outcome ?? (v.state === 'blocked' ? 'blocked' : 'running'), cpuNs: v.cpuNs, finishedNs: v.record.finishedAt,
    share, entitlement, normalized: entitlement > 0 ? share / entitlement : NaN,
    shareError: { rms: errors.length ? Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length) : NaN, max: errors.length ? Math.max(...errors.map(Math.abs)) : NaN },
    runQueueWait: distribution(v.record.waits), wakeLatency: distribution(v.record.wakeLatencies),
    switchesIn: v.record.switchesIn, blocks: v.record.blocks,
    timeline: Array.from({ length: all }, (_, k) => (win[k] ?? 0) / Math.min(w, end - k * w)),
    io: served && {
      requests: served.requests, latency: distribution(served.latencies), dom0Ns: served.cpuNs,
      block: served.block.jobs ? { jobs: served.block.jobs, requests: served.block.requests, bytes: served.block.bytes, latency: distribution(served.block.latencies), dom0Ns: served.block.cpuNs } : undefined,
    },
  };
}
