/** CSV (RFC 4180) with every column, raw numbers (ratios as fractions, cycles by part). The browser build of csv-stringify: it runs in Node and on the page alike. */
import { stringify } from 'csv-stringify/browser/esm/sync';
import { csvColumns } from '../columns.js';
import type { Renderer } from './render.js';

export const renderCsv: Renderer = (rows) => {
  const columns = csvColumns();
  const records = rows.map((r) => columns.map((c) => {
    const v = (c.value ?? c.text)(r);
    return typeof v === 'number' && !Number.isFinite(v) ? '' : v;
  }));
  return stringify([columns.map((c) => c.key), ...records], { cast: { boolean: (b) => String(b) } }).trimEnd();
};
