/**
 * The figures as one SVG (ECharts' server-side renderer): on top, the throughput a client of the
 * VM saw over time with the migration's phases marked (the seed's figure of a web server under
 * Xen migration), when there was a client; below, the pages sent in each pre-copy round, the stop
 * and the post-copy, with the pages the guest dirtied during each round.
 */
import * as echarts from 'echarts';
import type { MigrationReport } from './report.js';

/** A client's throughput: samples of (ms since the migration started, units per second). */
export interface ThroughputSeries { unit: string; samples: [number, number][] }

export function plotMigration(r: MigrationReport, throughput?: ThroughputSeries, title?: string): string {
  const width = 900, height = throughput ? 640 : 340;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const labels = [...r.rounds.map((x) => `round ${x.round}`), 'stop', ...(r.postcopy ? ['post-copy'] : [])];
  // A log axis has no 0: a phase that sent nothing has no bar.
  const orNull = (n: number) => (n > 0 ? n : null);
  const pages = [...r.rounds.map((x) => orNull(x.pages)), orNull(r.stop.pages), ...(r.postcopy ? [orNull(r.postcopy.pages)] : [])];
  const dirtied = [...r.rounds.map((x) => orNull(x.dirtied)), null, ...(r.postcopy ? [null] : [])];
  const top = throughput ? 60 : 0;
  const grids = throughput ? [{ top: 60, height: 220, left: 80, right: 30 }, { top: 380, height: 200, left: 80, right: 30 }] : [{ top: 60, height: 200, left: 80, right: 30 }];
  const rel = (t: number) => t - r.at.start;
  const series: echarts.SeriesOption[] = [];
  const xAxis: echarts.XAXisComponentOption[] = [];
  const yAxis: echarts.YAXisComponentOption[] = [];
  if (throughput) {
    xAxis.push({ type: 'value', gridIndex: 0, name: 'ms since the migration started', nameLocation: 'middle', nameGap: 25 });
    yAxis.push({ type: 'value', gridIndex: 0, name: throughput.unit });
    series.push({
      type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, data: throughput.samples, name: 'client throughput',
      markArea: {
        silent: true,
        data: [
          [{ name: 'pre-copy', xAxis: 0, itemStyle: { color: 'rgba(80,140,220,0.10)' } }, { xAxis: rel(r.at.stop) }],
          [{ name: 'downtime', xAxis: rel(r.at.stop), itemStyle: { color: 'rgba(220,60,60,0.25)' } }, { xAxis: rel(r.at.resume) }],
          ...(r.postcopy ? [[{ name: 'post-copy', xAxis: rel(r.at.resume), itemStyle: { color: 'rgba(240,170,40,0.15)' } }, { xAxis: rel(r.at.end) }]] : []),
        ] as never,
      },
    });
  }
  const g = throughput ? 1 : 0;
  xAxis.push({ type: 'category', gridIndex: g, data: labels });
  yAxis.push({ type: 'log', logBase: 10, min: 1, gridIndex: g, name: 'pages (log scale)' });
  series.push({ type: 'bar', xAxisIndex: g, yAxisIndex: g, data: pages, name: 'pages sent' });
  series.push({ type: 'line', xAxisIndex: g, yAxisIndex: g, data: dirtied, name: 'pages dirtied during the round' });
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    title: { text: title ?? `${r.policy}, ${r.strategy}, ${(r.ramBytes / 1048576).toFixed(0)} MiB: total ${r.totalMs.toFixed(0)} ms, downtime ${r.downtimeMs.toFixed(1)} ms`, left: 'center', top: top ? 10 : 10 },
    legend: { top: 32 },
    grid: grids,
    xAxis,
    yAxis,
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
