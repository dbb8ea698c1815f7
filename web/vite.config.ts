// The demo page (npm run demo; npm run demo:build makes the static site in web/dist). The page
// imports vmlab by its package name and gets the package's own exports (the compiled dist/, as a
// user's bundler would): `npm run build` first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Alias } from 'vite';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };
/** 'vmlab', 'vmlab/vmm', ... -> the files package.json exports for them. */
const packageExports: Alias[] = Object.entries(pkg.exports)
  .filter(([sub, target]) => !sub.includes('*') && target.endsWith('.js'))
  .map(([sub, target]) => ({ find: new RegExp(`^${pkg.name}${sub.slice(1).replace('/', '\\/')}$`), replacement: join(root, target) }));

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { alias: packageExports },
  assetsInclude: ['**/*.elf'],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { fs: { allow: [root] } },
});
