/** The output formats of `vmlab compare` by name; a format is a file here and one line below. */
import type { Renderer } from './render.js';
import { renderTable } from './table.js';
import { renderMarkdown } from './markdown.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';

export type { Renderer, RenderOptions } from './render.js';

/** Renderers by format name. */
export const FORMATS = {
  table: renderTable,
  markdown: renderMarkdown,
  csv: renderCsv,
  json: renderJson,
} satisfies Record<string, Renderer>;

/** A format name: table, markdown, csv or json. */
export type FormatName = keyof typeof FORMATS;
/** Every format name. */
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
