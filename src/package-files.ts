/** Files of the vmlab package (its guest images), found from this module whether it runs from src/ or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('vmlab: cannot find the package root (no package.json above the CLI)');
  }
}

/** Path of a committed guest image, e.g. `guestImage('minios.elf')`. */
export const guestImage = (name: string): string => join(packageRoot(), 'guests', 'build', name);
