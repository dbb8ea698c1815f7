/**
 * Each VM's CPU share over time as a chart: one line per VM (its share of one pCPU, averaged over a
 * trailing stretch of virtual time, 300 ms by default: ten Credit slices, so the line shows the
 * share and not which VM holds the pCPU at the moment) and a dashed rule at its entitlement. A
 * Vega-Lite spec, rendered to SVG by Vega as `vmlab compare --plot` renders its chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteSvg } from '../compare/chart.js';
import type { HostMetrics } from './metrics.js';
import { MS } from './time.js';

/** The mean of the last `k` values at every point (fewer at the start). */
function trailing(xs: readonly number[], k: number): number[] {
  let sum = 0;
  return xs.map((x, i) => { sum += x - (i >= k ? xs[i - k] : 0); return sum / Math.min(i + 1, k); });
}

/** The Vega-Lite spec of the CPU shares of a host run. */
export function shareSpec(m: HostMetrics, title: string, averageNs = 300 * MS): TopLevelSpec {
  const k = Math.max(1, Math.round(averageNs / m.windowNs));
  const vms = m.vms.map((v) => v.name);
  const shares = m.vms.flatMap((v) => trailing(v.timeline, k).map((share, w) => ({ vm: v.name, ms: ((w + 1) * m.windowNs) / MS, share })));
  const entitlements = m.vms.filter((v) => v.entitlement > 0).map((v) => ({ vm: v.name, share: v.entitlement }));
  const colour = { field: 'vm', type: 'nominal', sort: vms, title: 'VM' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'dashed: each VM\'s entitlement', anchor: 'start' },
    description: 'Line chart: each VM\'s CPU share over virtual time, with its entitlement.',
    width: 640,
    height: 300,
    layer: [
      {
        data: { values: shares },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: `virtual time (ms), windows of ${m.windowNs / MS} ms` },
          y: { field: 'share', type: 'quantitative', title: `CPU share of one pCPU, last ${(k * m.windowNs) / MS} ms`, axis: { format: '.0%' } },
          color: colour,
        },
      },
      {
        data: { values: entitlements },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { y: { field: 'share', type: 'quantitative' }, color: colour },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

/** The chart as a standalone SVG document. */
export function shareChart(m: HostMetrics, title: string, averageNs = 300 * MS): Promise<string> {
  return vegaLiteSvg(shareSpec(m, title, averageNs));
}
