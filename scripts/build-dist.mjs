// Compiles src/ and bindings/ to dist/ (ES modules with declarations, tsconfig.build.json) and puts
// the embedded Wasm core beside them (dist/build/): dist/ is exactly what the package ships.
// dist/ is made anew each time, so a source file removed leaves nothing stale behind.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const core = ['core.release.js', 'core.release.d.ts', 'core.debug.js', 'core.debug.d.ts'];
for (const f of core) {
  if (!existsSync(join(root, 'build', f))) {
    console.error(`build-dist: build/${f} is missing: run \`npm run build\` (it builds the Wasm core first)`);
    process.exit(1);
  }
}
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('build-dist: the TypeScript does not compile (errors above)');
  process.exit(1);
}
mkdirSync(join(dist, 'build'), { recursive: true });
for (const f of core) copyFileSync(join(root, 'build', f), join(dist, 'build', f));
console.log('build-dist: dist/ (src, bindings, build/core.*.js)');
