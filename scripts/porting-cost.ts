/**
 * The cost of porting minios to the hypervisor, counted from the sources (the seed's table of
 * Linux and Windows XP on Xen): lines of code, blank lines and comment-only lines left out.
 *   npx tsx scripts/porting-cost.ts        (npm run porting-cost) prints the table docs/PV.md shows
 *
 * - architecture-independent: the lines of the shared kernel sources that reach the platform and
 *   page-table interfaces the port introduced (platform.h, pt.h, kmap.h, blk.h, net.h);
 * - the PV layer (guests/minios/pv), split as the seed splits Linux's port: the virtual network
 *   driver (netfront), the virtual block driver (blkfront), and the Xen-specific rest;
 * - set against the native kernel: every source the native image is built from.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const MINIOS = resolve(import.meta.dirname, '..', 'guests', 'minios');

/** Files only the native kernel is built from (the M-mode stub, the SBI, its drivers...). */
const NATIVE_ONLY = ['m-stub.S', 'entry.S', 'sbi.c', 'sbi.h', 'platform.c', 'kmap.c', 'pt-native.h', 'virtio-blk.c', 'nonet.c'];
/** Identifiers of the interfaces the port introduced: a shared line using one is a change the port needed. */
const PORT_INTERFACE = /\b(platform_\w+|pt_\w+|kmap_init|vm_commit|vm_walk|blk_\w+|net_\w+|MINIOS_PV)\b/;

/** Lines of code of a source: not blank, not only a comment (C and assembler comments). */
export function codeLines(text: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    let line = raw;
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      line = line.slice(end + 2);
      inBlock = false;
    }
    line = line.replace(/\/\*.*?\*\//g, '');
    const start = line.indexOf('/*');
    if (start >= 0) { inBlock = true; line = line.slice(0, start); }
    line = line.replace(/\/\/.*$/, '').replace(/^\s*#(?!\s*(include|define|ifn?def|if|else|endif|undef)\b).*$/, '');
    if (line.trim()) out.push(line);
  }
  return out;
}

const sources = (dir: string) => readdirSync(dir).filter((f) => /\.(c|h|S)$/.test(f)).sort();
const lines = (file: string) => codeLines(readFileSync(file, 'utf8'));

export interface PortingCost {
  nativeKernel: number;
  architectureIndependent: number;
  network: number;
  block: number;
  xenSpecific: number;
  total: number;
  /** The PV layer's files and their lines. */
  files: Array<[string, number]>;
}

export function portingCost(root = MINIOS): PortingCost {
  const shared = sources(root).filter((f) => !NATIVE_ONLY.includes(f));
  const nativeKernel = sources(root).reduce((n, f) => n + lines(join(root, f)).length, 0);
  const architectureIndependent = shared.reduce((n, f) => n + lines(join(root, f)).filter((l) => PORT_INTERFACE.test(l)).length, 0);
  const files = sources(join(root, 'pv')).map((f) => [f, lines(join(root, 'pv', f)).length] as [string, number]);
  const count = (pick: (f: string) => boolean) => files.filter(([f]) => pick(f)).reduce((n, [, l]) => n + l, 0);
  const network = count((f) => f.startsWith('netfront'));
  const block = count((f) => f.startsWith('blkfront'));
  const xenSpecific = count((f) => !f.startsWith('netfront') && !f.startsWith('blkfront'));
  return { nativeKernel, architectureIndependent, network, block, xenSpecific, total: architectureIndependent + network + block + xenSpecific, files };
}

/** The table as docs/PV.md shows it. */
export function renderPortingCost(c: PortingCost = portingCost()): string {
  const pct = (n: number) => `${((100 * n) / c.nativeKernel).toFixed(2)}%`;
  return [
    '| portion of the port | lines | of the native kernel |',
    '| --- | ---: | ---: |',
    `| architecture-independent (shared sources using the port's interfaces) | ${c.architectureIndependent} | ${pct(c.architectureIndependent)} |`,
    `| virtual network driver (pv/netfront.c) | ${c.network} | ${pct(c.network)} |`,
    `| virtual block driver (pv/blkfront.c) | ${c.block} | ${pct(c.block)} |`,
    `| Xen-specific, non-driver (the rest of pv/) | ${c.xenSpecific} | ${pct(c.xenSpecific)} |`,
    `| **total** | **${c.total}** | **${pct(c.total)}** |`,
    `| the native kernel (every source of minios.elf) | ${c.nativeKernel} | 100% |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(renderPortingCost());
