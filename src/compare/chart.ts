/**
 * The comparison as a chart: performance against native per workload (groups) and strategy
 * (bars), as a Vega-Lite spec. The same spec is rendered to an SVG file by `vmlab compare --plot`
 * and drawn on the demo page, so both show the same figure.
 */
import type { TopLevelSpec } from 'vega-lite';
import { percent } from './columns.js';
import type { Row } from './report.js';

/** Options of the chart. */
export interface ChartOptions {
  title?: string;
  /** Plot width in pixels (default: 18 per bar, at least 360). */
  width?: number;
}

const unique = (xs: string[]) => [...new Set(xs)];

/** The Vega-Lite spec of the bar chart of `rows` (modelled performance, native = 100%). */
export function chartSpec(rows: Row[], options: ChartOptions = {}): TopLevelSpec {
  const workloads = unique(rows.map((r) => r.workload));
  const strategies = unique(rows.map((r) => r.strategy));
  const values = rows.filter((r) => Number.isFinite(r.relativeToNative)).map((r) => ({
    workload: r.workload, strategy: r.strategy, relative: r.relativeToNative, label: percent(r.relativeToNative),
    about: `${r.workload} under ${r.strategy}: ${percent(r.relativeToNative)}`,
  }));
  const top = Math.max(1, ...values.map((v) => v.relative));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title ?? 'Performance compared to native (modelled cycles)', anchor: 'start' },
    description: 'Bar chart: performance of each strategy relative to native, per workload.',
    width: options.width ?? Math.max(360, rows.length * 18),
    height: 240,
    data: { values },
    encoding: {
      x: { field: 'workload', type: 'nominal', sort: workloads, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'strategy', type: 'nominal', sort: strategies },
      y: { field: 'relative', type: 'quantitative', title: 'performance vs native', axis: { format: '.0%' }, scale: { domain: [0, top * 1.1] } },
      color: { field: 'strategy', type: 'nominal', sort: strategies, title: 'strategy' },
    },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          tooltip: [{ field: 'workload' }, { field: 'strategy' }, { field: 'label', title: 'vs native' }],
          description: { field: 'about' }, // each bar's aria-label: "fork under hw-nested: 91.9%"
        },
      },
      { mark: { type: 'text', dy: -5, fontSize: 8, aria: false }, encoding: { text: { field: 'label' }, color: { value: '#333' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

/** The chart as a standalone SVG document (Vega's headless SVG renderer: no canvas, no DOM). */
export async function chartSvg(rows: Row[], options: ChartOptions = {}): Promise<string> {
  return vegaLiteSvg(chartSpec(rows, options));
}

/** Any Vega-Lite spec as a standalone SVG document (Vega's headless renderer; loaded on first use). */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
