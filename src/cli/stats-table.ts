/** Counter rows as the two-column terminal table of `--stats`. */
import Table from 'cli-table3';
import type { StatRow } from '../machine/stats.js';

export function statsTable(rows: StatRow[]): string {
  const t = new Table({ head: ['counter', 'value'], style: { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}
