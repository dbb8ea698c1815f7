/**
 * The seed's four microbenchmarks (Adams & Agesen, ASPLOS 2006) as minios user programs, and the
 * sizes `vmlab compare` runs them at. minios reads `name=count` from its `minios_bootargs`.
 */
export interface Workload {
  name: string;
  /** What it stresses. */
  about: string;
  /** Iterations by default (chosen so the default comparison takes well under a minute here). */
  count: number;
}

/** The workloads `vmlab compare` runs, with their default sizes. */
export const WORKLOADS: Workload[] = [
  { name: 'compute', about: 'a compute loop (s += i): no privileged operations at all', count: 20_000_000 },
  { name: 'getppid', about: 'a getppid() loop: one system call per iteration', count: 50_000 },
  { name: 'fork', about: 'fork, the child exits at once, the parent waits: address spaces built and torn down', count: 500 },
  { name: 'tlb', about: 'large[(4096*i+i) % S] = 1 + large[i % S] over 4 MiB: a TLB miss per iteration', count: 500_000 },
  { name: 'io', about: 'n block reads of 4 KiB: virtio-blk register accesses emulated, or blkfront requests on a shared ring', count: 2000 },
  { name: 'map4m', about: 'sbrk 4 MiB, touch every page, give it back: the seed\'s malloc(4 MiB), 1,024 page-table updates each way', count: 1 },
];

/** A workload by name; throws naming the known ones. */
export function workload(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload "${name}" (known: ${WORKLOADS.map((x) => x.name).join(', ')})`);
  return w;
}

/** The boot arguments that run one workload `count` times with minios's timer tick. */
export function bootargs(name: string, count: number): string { return `${name}=${count} tick=100000`; }
