#!/usr/bin/env node
// The vmlab command: the compiled CLI in dist/ (`npm run build` makes it; `npm run dev -- ARGS`
// runs the TypeScript sources through tsx instead).
let main;
try {
  ({ main } = await import('../dist/src/cli/main.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist')) throw e;
  process.stderr.write('vmlab: the compiled CLI (dist/) is missing: run `npm run build` in the vmlab checkout\n');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
