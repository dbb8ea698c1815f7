/**
 * The columns of a comparison, defined once for every output format: the short header a table
 * shows, the field name CSV uses, how the value reads and what it is raw. The default columns fit
 * 120 terminal columns whatever strategies and workloads join (they add rows, not columns); the
 * explanation columns (`wide`) come with `--wide`.
 */
import { compact, topExits, type Row } from './report.js';

/** One column of the comparison in every format. */
export interface Column {
  /** Field name in CSV (and the row property it comes from, where there is one). */
  key: string;
  /** Header in a table or Markdown. */
  header: string;
  align: 'left' | 'right';
  /** Only with --wide (table and Markdown); CSV always has every column. */
  wide?: boolean;
  /** Only in the formats for people (table, Markdown) or only in CSV. */
  only?: 'text' | 'csv';
  /** The value as people read it. */
  text(row: Row): string;
  /** The raw value for CSV (default: the text). */
  value?(row: Row): string | number | boolean;
}

/** 97.1%, 0.6%, 100%; a dash where there is no native run to compare with. */
export const percent = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.995 ? 0 : 1)}%` : '—');
/** 1.16×; a dash where undefined. */
export const times = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

/** A run that did not end as native did has no performance to show: it was wrong. */
const wrong = (r: Row): boolean => r.outcome !== 'halt 0' || !r.matchesNative;

const cycles = (r: Row) => [r.cycles.instructions, r.cycles.walks, r.cycles.exits, r.cycles.vmm].map(compact).join(' / ');

/** Every column, in order. */
export const COLUMNS: Column[] = [
  { key: 'workload', header: 'workload', align: 'left', text: (r) => r.workload },
  { key: 'strategy', header: 'strategy', align: 'left', text: (r) => r.strategy },
  { key: 'relativeToNative', header: 'vs native', align: 'right', text: (r) => (wrong(r) ? `wrong (${r.outcome})` : percent(r.relativeToNative)), value: (r) => r.relativeToNative },
  { key: 'wallRatio', header: 'wall ×', align: 'right', text: (r) => (wrong(r) ? '—' : times(r.wallRatio)), value: (r) => r.wallRatio },
  { key: 'instructions', header: 'instructions', align: 'right', text: (r) => compact(r.instructions), value: (r) => r.instructions },
  { key: 'totalExits', header: 'exits', align: 'right', text: (r) => compact(r.totalExits), value: (r) => r.totalExits },
  { key: 'ptWrites', header: 'PT writes', align: 'right', text: (r) => compact(r.ptWrites), value: (r) => r.ptWrites },
  { key: 'tlbMissRate', header: 'TLB miss', align: 'right', text: (r) => `${(r.tlbMissRate * 100).toFixed(2)}%`, value: (r) => r.tlbMissRate },
  { key: 'refsPerMiss', header: 'refs/miss', align: 'right', text: (r) => r.refsPerMiss.toFixed(1), value: (r) => r.refsPerMiss },
  { key: 'topExits', header: 'largest exit kinds', align: 'left', wide: true, text: (r) => topExits(r.exits) },
  { key: 'cycles', header: 'cycles: insns / walks / exits / VMM', align: 'right', wide: true, only: 'text', text: cycles },
  { key: 'cycles', header: 'cycles', align: 'right', only: 'csv', text: (r) => String(r.cycles.total), value: (r) => r.cycles.total },
  ...(['instructions', 'walks', 'flushes', 'exits', 'vmm'] as const).map((k): Column => (
    { key: `cycles.${k}`, header: `cycles.${k}`, align: 'right', only: 'csv', text: (r) => String(r.cycles[k]), value: (r) => r.cycles[k] })),
  { key: 'wallMs', header: 'wall ms', align: 'right', only: 'csv', text: (r) => r.wallMs.toFixed(1), value: (r) => r.wallMs },
  { key: 'outcome', header: 'outcome', align: 'left', only: 'csv', text: (r) => r.outcome },
  { key: 'matchesNative', header: 'matches native', align: 'left', only: 'csv', text: (r) => String(r.matchesNative), value: (r) => r.matchesNative },
  { key: 'result', header: 'result', align: 'left', only: 'csv', text: (r) => r.result },
];

/** The columns a format for people shows: the default set, or every one with `wide`. */
export const textColumns = (wide: boolean): Column[] => COLUMNS.filter((c) => c.only !== 'csv' && (wide || !c.wide));
/** The columns of CSV: every one, raw. */
export const csvColumns = (): Column[] => COLUMNS.filter((c) => c.only !== 'text');

/** What the columns mean, in lines of at most 120 characters (printed under the table). */
export const LEGEND = [
  'vs native: modelled performance, native cycles / these cycles (the cost model of vmlab/cost); wall ×: the',
  'emulator\'s wall time / native\'s. Steady state of the loop (a run of 0 iterations subtracted). PT writes: guest',
  'page-table writes trapped; TLB miss: miss rate; refs/miss: page-walk references per miss. --wide: exit kinds, cycles.',
];
