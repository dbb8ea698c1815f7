/**
 * The comparison (`vmlab/compare`): the seed's microbenchmarks run natively and under each VMM
 * strategy, priced by the cost model, set against native, and written as a table, Markdown, CSV,
 * JSON or a chart. Runs in Node and in a browser; `vmlab/sweep` runs the cells on worker threads.
 *
 * @packageDocumentation
 */
export { planCells, runCell, parseCell, imageRef, checkImage, sha256Hex, type CompareCell, type CellResult, type ImageRef, type SweepPlan } from './cell.js';
export { runMeasured, runOne, makeStrategy, isStrategyName, GUEST_RAM, type RunResult, type Hardware, type RunExtras } from './run.js';
export { WORKLOADS, workload, bootargs, type Workload } from './workloads.js';
export { buildRows, resultLine, topExits, compact, type Row } from './report.js';
export { COLUMNS, LEGEND, textColumns, csvColumns, percent, times, type Column } from './columns.js';
export { FORMATS, FORMAT_NAMES, type FormatName, type Renderer, type RenderOptions } from './formats/index.js';
export { chartSpec, chartSvg, type ChartOptions } from './chart.js';
