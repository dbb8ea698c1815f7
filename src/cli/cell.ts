/**
 * `vmlab cell [FILE]`: runs compare cells given as JSON Lines (from `vmlab compare --plan`, or
 * from a distributed job engine's task input) and prints their results as JSON Lines, in order,
 * for `vmlab compare --from`. The map step of docs/SWEEPS.md as a command.
 */
import { parseCell } from '../compare/cell.js';
import { runSweep } from '../sweep/pool.js';
import { readJsonLines, jsonLines } from './json-lines.js';

export async function cellCommand(file: string | undefined, opts: { jobs?: number }): Promise<number> {
  let cells;
  try {
    cells = readJsonLines(file).map((v, i) => {
      try { return parseCell(v); } catch (e) { throw new Error(`cell ${i + 1}: ${(e as Error).message}`); }
    });
  } catch (e) {
    process.stderr.write(`vmlab cell: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    process.stdout.write(jsonLines(await runSweep('compare-cell', cells, { threads: opts.jobs })));
  } catch (e) {
    process.stderr.write(`vmlab cell: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}
