// `vmlab compare --profile critical`: one table shows trap-and-emulate wrong and binary translation
// right; the command's exit status says a run was wrong.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { renderTable } from '../../src/compare/formats/table.js';
import { DEFAULT_COST } from '../../src/cost/model.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Asynchronous, so the test worker keeps answering vitest while the command runs.
const vmlab = (...args: string[]) => promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'vmlab.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 })
  .then((r) => ({ status: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ status: e.code, stdout: e.stdout, stderr: e.stderr }));

describe('vmlab compare --profile critical', () => {
  it('trap-emulate wrong, bt right, in the JSON and in the table; exit status 1', async () => {
    const args = ['compare', '--profile', 'critical', '--workloads', 'getppid', '--count', 'getppid=300', '--strategies', 'trap-emulate,bt'];
    const j = await vmlab(...args, '--json');
    expect(j.status).toBe(1);
    const runs = JSON.parse(j.stdout).runs as { strategy: string; matchesNative: boolean; outcome: string; result: string }[];
    expect(runs.map((r) => [r.strategy, r.matchesNative, r.outcome])).toEqual([['native', true, 'halt 0'], ['trap-emulate', false, 'halt 1'], ['bt', true, 'halt 0']]);
    expect(runs[2].result).toBe('getppid n=300 checksum=300');
    expect(j.stderr).toContain('getppid under trap-emulate: halt 1, output DIFFERS from native');
    const table = renderTable(JSON.parse(j.stdout).runs, { cost: DEFAULT_COST }).replace(/\x1b\[[0-9;]*m/g, '');
    expect(table).toMatch(/getppid\s*│\s*trap-emulate\s*│\s*wrong \(halt 1\)\s*│\s*—/);
    expect(table).toMatch(/getppid\s*│\s*bt\s*│\s*\d+(\.\d)?%/);
  }, 60_000);
});
