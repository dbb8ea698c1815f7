/** What every output format of a comparison gets. */
import type { CostModel } from '../../cost/model.js';
import type { Row } from '../report.js';

/** Options every renderer takes. */
export interface RenderOptions {
  /** The explanation columns too (table and Markdown). */
  wide?: boolean;
  /** ANSI colour in the table's header (only where the terminal supports it). */
  colour?: boolean;
  /** The cost model the rows were priced with (JSON includes it). */
  cost: CostModel;
}

/** Turns the rows of a comparison into text. */
export type Renderer = (rows: Row[], options: RenderOptions) => string;
