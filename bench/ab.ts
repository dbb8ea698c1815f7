/**
 * `npx tsx bench/ab.ts <other-checkout> [pairs] [kernels]`: a paired A/B of this checkout's core
 * against another checkout's (built with `npm run build`; e.g. `git archive <commit> | tar -x -C
 * /tmp/old`, a node_modules symlink, `npm run build`), in one process, alternating the two and
 * swapping which goes first every pair, so that drift in the machine's load hits both alike. Kernels:
 * alu, ldst, call (those of bench/micro.ts, 50M instructions a sample) and mixed (this checkout's
 * guests/build/mixed.elf, booted and run to the end, a sample). Prints medians and new/old.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const other = process.argv[2];
if (!other) { console.error('usage: tsx bench/ab.ts <other-checkout> [pairs] [alu,ldst,call,mixed]'); process.exit(2); }
const PAIRS = Number(process.argv[3] ?? 9);
const KERNELS = (process.argv[4] ?? 'alu,ldst,call,mixed').split(',');
const HERE = resolve(import.meta.dirname, '..');
const STEP = 50_000_000;

type Sampler = () => Promise<number>; // MIPS of one sample
interface Side { machine: any; boot: any }
const load = async (root: string): Promise<Side> => ({
  machine: await import(join(resolve(root), 'bindings', 'machine.ts')),
  boot: (await import(join(resolve(root), 'src', 'machine', 'boot.ts'))).boot,
});

const J_BACK = (bytes: number) => {
  const off = -bytes;
  return ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | 0x6f) >>> 0;
};
const KERNEL_CODE: Record<string, { words: number[]; extra?: [number, number[]]; sp?: boolean }> = {
  alu: { words: [0x00150513, 0x00158593, J_BACK(8)] }, // addi a0; addi a1; j
  ldst: { words: [0x00013283, 0x00128293, 0x00513023, J_BACK(12)], sp: true }, // ld; addi; sd; j (M-mode)
  call: { words: [0x000020ef, J_BACK(4)], extra: [0x2000, [0x00008067]] }, // jal ra, +0x2000; j | ret
};

async function sampler(side: Side, name: string): Promise<Sampler> {
  if (name === 'mixed') {
    const elf = readFileSync(join(HERE, 'guests', 'build', 'mixed.elf'));
    return async () => {
      const { machine } = await side.boot(elf);
      const t = performance.now();
      for (;;) { if (machine.run(STEP).reason !== 'budget') break; }
      return Number(machine.counters().instret as bigint) / 1e6 / ((performance.now() - t) / 1000);
    };
  }
  const k = KERNEL_CODE[name];
  if (!k) throw new Error(`no kernel ${name}`);
  const { Machine, RAM_BASE } = side.machine;
  const m = await Machine.create({ ramBytes: 1 << 20 });
  m.writePhys(RAM_BASE, new Uint8Array(new Uint32Array(k.words).buffer));
  if (k.extra) m.writePhys(RAM_BASE + BigInt(k.extra[0]), new Uint8Array(new Uint32Array(k.extra[1]).buffer));
  m.reset(RAM_BASE);
  if (k.sp) m.setReg(2, RAM_BASE + 0x10000n);
  m.run(1_000_000);
  return async () => {
    const t = performance.now();
    m.run(STEP);
    return STEP / 1e6 / ((performance.now() - t) / 1000);
  };
}

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const [oldSide, newSide] = [await load(other), await load(HERE)];
console.log(`old: ${resolve(other)}  new: ${HERE}  ${PAIRS} pairs, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const name of KERNELS) {
  const [o, n] = [await sampler(oldSide, name), await sampler(newSide, name)];
  await o(); await n(); // warm up both (V8 tiers up between calls)
  const ro: number[] = [], rn: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2) { rn.push(await n()); ro.push(await o()); } else { ro.push(await o()); rn.push(await n()); }
  }
  const r = median(rn) / median(ro);
  console.log(`${name.padEnd(6)} old ${median(ro).toFixed(0).padStart(4)} MIPS [${Math.min(...ro).toFixed(0)}..${Math.max(...ro).toFixed(0)}]  ` +
    `new ${median(rn).toFixed(0).padStart(4)} MIPS [${Math.min(...rn).toFixed(0)}..${Math.max(...rn).toFixed(0)}]  new/old ${r.toFixed(3)}`);
}
console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
