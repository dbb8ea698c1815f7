/**
 * `npm run bench:micro`: the interpreter's hot paths in isolation, measured with Benchmark.js
 * (each sample runs a million instructions). Kernels: register-only ALU loop; load/store loop
 * hitting the fast TLB with translation off (M-mode) and on (S-mode, Sv39); a call loop whose
 * every jump leaves the page and goes through the fetch TLB.
 */
import Benchmark from 'benchmark';
import { Machine, RAM_BASE } from '../bindings/machine.js';

const STEP = 1_000_000;
const J_BACK = (bytes: number) => { // jal x0, -bytes
  const off = -bytes;
  return ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | 0x6f) >>> 0;
};

interface Kernel { name: string; words: number[]; extra?: [number, number[]]; setup?: (m: Machine) => void }

const KERNELS: Kernel[] = [
  { name: 'alu loop (3 insns)', words: [0x00150513, 0x00158593, J_BACK(8)] }, // addi a0; addi a1; j
  { name: 'load/store loop, M-mode', words: [0x00013283, 0x00128293, 0x00513023, J_BACK(12)], setup: (m) => m.setReg(2, RAM_BASE + 0x10000n) },
  {
    name: 'load/store loop, S-mode Sv39',
    words: [0x00013283, 0x00128293, 0x00513023, J_BACK(12)],
    setup: (m) => {
      const root = RAM_BASE + 0x20000n;
      m.write64(root + 2n * 8n, ((RAM_BASE >> 12n) << 10n) | 0xcfn); // gigapage at 0x8000_0000: V R W X A D
      m.writeCsr(0x180, (8n << 60n) | (root >> 12n));
      m.setReg(2, RAM_BASE + 0x10000n);
      m.priv = 1;
    },
  },
  // jal ra, +0x2000; j back  |  at +0x2000: ret
  { name: 'call loop across pages', words: [0x000020ef, J_BACK(4)], extra: [0x2000, [0x00008067]] },
];

async function machineFor(k: Kernel): Promise<Machine> {
  const m = await Machine.create({ ramBytes: 1 << 20 });
  m.writePhys(RAM_BASE, new Uint8Array(new Uint32Array(k.words).buffer));
  if (k.extra) m.writePhys(RAM_BASE + BigInt(k.extra[0]), new Uint8Array(new Uint32Array(k.extra[1]).buffer));
  m.reset(RAM_BASE);
  k.setup?.(m);
  m.run(STEP); // warm up: decode, fill the TLBs, let V8 tier up
  return m;
}

const suite = new Benchmark.Suite();
for (const k of KERNELS) {
  const m = await machineFor(k);
  suite.add(k.name, () => { m.run(STEP); });
}
suite
  .on('error', (e: Benchmark.Event) => { console.error(`${(e.target as Benchmark.Target).name}: ${String((e.target as { error?: unknown }).error)}`); })
  .on('cycle', (e: Benchmark.Event) => {
    const t = e.target as Benchmark.Target & { stats: { rme: number } };
    console.log(`${String(t.name).padEnd(32)} ${((t.hz ?? 0) * STEP / 1e6).toFixed(0).padStart(6)} MIPS  ±${t.stats.rme.toFixed(1)}%`);
  })
  .run();
