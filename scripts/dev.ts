// `npm run dev -- ARGS`: the vmlab command from the TypeScript sources (through tsx), for
// development without `npm run build:ts`. Users run bin/vmlab.mjs, the compiled one.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
