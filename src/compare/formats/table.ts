/** The terminal table: box-drawn, the default columns fitting 120 columns, a legend under it. */
import Table from 'cli-table3';
import { textColumns, LEGEND } from '../columns.js';
import type { Renderer } from './render.js';

export const renderTable: Renderer = (rows, { wide = false, colour = false }) => {
  const columns = textColumns(wide);
  const t = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align),
    // cli-table3 colours the header red and the borders grey unless told otherwise.
    // No rule between rows: a row is one line, the table as tall as the rows it has.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: colour ? { head: ['cyan', 'bold'], border: ['grey'] } : { head: [], border: [] },
  });
  for (const r of rows) t.push(columns.map((c) => c.text(r)));
  return `${t.toString()}\n${LEGEND.join('\n')}`;
};
