/** JSON: the cost model and every row in full (exits by kind, the cycle breakdown, the guest's result line). */
import type { Renderer } from './render.js';

export const renderJson: Renderer = (rows, { cost }) =>
  JSON.stringify({ cost, runs: rows }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
