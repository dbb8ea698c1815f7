/** JSON Lines in and out (one value a line): how cells and their results travel between commands. */
import { readFileSync } from 'node:fs';

/** The values of a JSON Lines file (`-` or none: standard input); throws naming the line that is not JSON. */
export function readJsonLines(file: string | undefined): unknown[] {
  const text = readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line)];
    } catch (e) {
      throw new Error(`${file ?? 'stdin'}:${i + 1}: ${(e as Error).message}`);
    }
  });
}

export const jsonLines = (values: unknown[]): string => values.map((v) => JSON.stringify(v)).join('\n') + (values.length ? '\n' : '');
