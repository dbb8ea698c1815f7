// `npm run docs`: the API reference (docs/api/) of every entry point package.json exports, from
// the TypeScript sources. A subpath added to "exports" appears here with no other change.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const entryPoints = Object.values(pkg.exports)
  .filter((target) => /^\.\/dist\/.+\.js$/.test(target))
  .map((target) => target.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints,
  tsconfig: './tsconfig.build.json',
  out: 'docs/api',
  name: 'vmlab',
  readme: 'README.md',
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: true, invalidLink: true, notDocumented: false },
};
