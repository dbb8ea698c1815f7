/** A Markdown (GFM) table of the same columns as the terminal's, for docs and issues. */
import { markdownTable } from 'markdown-table';
import { textColumns } from '../columns.js';
import type { Renderer } from './render.js';

export const renderMarkdown: Renderer = (rows, { wide = false }) => {
  const columns = textColumns(wide);
  return markdownTable([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.text(r)))], {
    align: columns.map((c) => (c.align === 'right' ? 'r' : 'l')),
  });
};
