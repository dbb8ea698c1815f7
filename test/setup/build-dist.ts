// Before any test: compile the TypeScript to dist/ (what bin/vmlab.mjs and the package run), so
// tests that spawn the CLI test today's sources. The Wasm core is built by `npm run build`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-dist.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
