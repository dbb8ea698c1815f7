// Everything the demo page loads must run unchanged in a browser: no Node built-ins on that path.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BROWSER_PATH = ['bindings', 'src/loader', 'src/isa', 'src/machine', 'src/vmm', 'src/compare', 'src/cost', 'web'];
/** Build configuration, not page code. */
const NOT_LOADED = /vite\.config\.ts$/;
const NODE_ONLY = /from\s+['"](node:|fs|path|os|child_process|url|buffer)['"/]|require\(|\bBuffer\b|process\./;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? (f === 'dist' ? [] : files(p)) : p.endsWith('.ts') && !NOT_LOADED.test(p) ? [p] : [];
  });
}

describe('browser-safe modules', () => {
  for (const dir of BROWSER_PATH) {
    it(`${dir} uses no Node-only API`, () => {
      const offenders = files(join(ROOT, dir)).filter((f) => NODE_ONLY.test(readFileSync(f, 'utf8')));
      expect(offenders).toEqual([]);
    });
  }
});
