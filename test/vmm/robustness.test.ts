// a-guest-never-makes-the-vmm-throw: what a guest does (or an exit record says) ends at worst in
// that VM's own crash, with a clear reason; the host and the other VMs go on.
// - a misaligned store into a write-protected page table that crosses the end of RAM is an access
//   fault for the guest, with the faulting part's address, and nothing of it written;
// - a guest that prints forever costs the host a bounded console (the rest counted, and streamed to
//   a sink that wants it);
// - random exit records and guest memory driven into every strategy's handler never throw;
// - a VM that exhausts its VMM memory reclaims its own shadows (or stops, when even one walk does
//   not fit), and the VM beside it runs to its exact solo output; so does one after a VMM fault.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Machine } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm, runSlice, VMM_FAULT } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import type { Strategy } from '../../src/vmm/strategy.js';
import { main } from '../../src/cli/main.js';
import * as A from '../helpers/asm.js';
import { buildElf } from '../helpers/elf-writer.js';
import { ENTRY, shutdown, SATP_SV39, leaf } from '../helpers/tiny-kernel.js';
import { Rng } from '../helpers/rng.js';

const STRATEGIES = ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'] as const;
type S = (typeof STRATEGIES)[number];
const RAM = 4 << 20;
const { t0, t1, t2, t3, t4, t5, a0, a7 } = A;

function elf(build: (p: A.Program) => void): Uint8Array {
  const p = new A.Program(ENTRY);
  build(p);
  return buildElf({ entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }], symbols: { kernel_entry: ENTRY } }).bytes;
}
const image = (bytes: Uint8Array, ram = RAM): LoadedImage => parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(ram) });

async function host(vms: number, vmmPages = 512, ram = RAM) {
  const m = await Machine.create({ ramBytes: vms * (vmmPages * 4096 + ram) });
  return { m, host: new HostMemory(m, vms * vmmPages * 4096) };
}

/** Its root table in its last RAM page, then `sd` across the end of RAM through that page. */
const MARK = 0x1122_3344_5566_7788n;
const ROOT = GUEST_RAM_BASE + BigInt(RAM) - 4096n;
const straddlingPtStore = elf((p) => {
  p.la(t0, 'handler').i(A.csrw(0x105, t0));
  p.li(t0, ROOT).li(t1, leaf(0x8000_0000n)).i(A.sd(t1, 16, t0)).li(t2, MARK).li(t5, ROOT + 0xff8n).i(A.sd(t2, 0, t5));
  p.li(t1, SATP_SV39 | (ROOT >> 12n)).i(A.csrw(0x180, t1), A.sfence_vma());
  p.li(t1, 0xaaaa_aaaa_aaaa_aaaan).i(A.sd(t1, 4, t5)); // bytes 0xffc..0x1003: half in the table, half past RAM
  shutdown(p, 1);
  p.align(4).label('handler').i(A.csrr(t3, 0x142)).li(t4, 7).b((o) => A.bne(t3, t4, o), 'fail');
  p.i(A.csrr(t3, 0x143)).li(t4, GUEST_RAM_BASE + BigInt(RAM)).b((o) => A.bne(t3, t4, o), 'fail');
  p.i(A.ld(t3, 0, t5)).li(t4, MARK).b((o) => A.bne(t3, t4, o), 'fail');
  shutdown(p, 0);
  p.label('fail');
  shutdown(p, 1);
});

describe('emulated guest stores', () => {
  for (const s of STRATEGIES) {
    it(`a misaligned store through a page table that crosses the end of RAM is an access fault at the end of RAM, nothing written (${s})`, async () => {
      const { m, host: h } = await host(1);
      const vm = new Vm(1, h, RAM, { vmmPages: 256 });
      const st = makeStrategy(s, { machine: m, host: h });
      st.boot(vm, image(straddlingPtStore));
      expect(runVm(m, vm, st, { maxInstructions: 100_000 })).toEqual({ kind: 'halt', code: 0 });
      if (s !== 'hw-nested') expect(vm.stats.exits.get('pt-write')).toBe(1); // it was the VMM that performed (refused) it
    });
  }

  it('vmlab run --vmm exits with the guest\'s status for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-'));
    writeFileSync(join(dir, 'straddle.elf'), straddlingPtStore);
    expect(await main(['run', join(dir, 'straddle.elf'), '--vmm', 'trap-emulate', '--mem', '4M'])).toBe(0);
  });
});

describe('the console', () => {
  for (const s of STRATEGIES) {
    it(`keeps the last bytes of a guest that prints forever, counts the rest, and streams all of it to a sink (${s})`, async () => {
      const forever = elf((p) => { p.label('loop').li(a7, 1).li(a0, 'x'.charCodeAt(0)).i(A.ecall()).b((o) => A.jal(0, o), 'loop'); });
      const { m, host: h } = await host(1);
      let streamed = 0;
      const vm = new Vm(1, h, RAM, { vmmPages: 256, consoleKeep: 1000, consoleSink: (b) => { streamed += b.length; } });
      const st = makeStrategy(s, { machine: m, host: h });
      st.boot(vm, image(forever));
      expect(runVm(m, vm, st, { maxInstructions: 200_000 })).toEqual({ kind: 'budget' });
      const printed = vm.stats.exits.get('sbi')!;
      expect(printed).toBeGreaterThan(20_000);
      expect(vm.console).toBe('x'.repeat(1000));
      expect(vm.consoleLog.dropped).toBe(printed - 1000);
      expect(streamed).toBe(printed);
    });
  }
});

describe('random exit records into every strategy', () => {
  const minios = image(readFileSync('guests/build/minios.elf'), 32 << 20);
  const miniosPv = image(readFileSync('guests/build/minios-pv.elf'), 32 << 20); // pv: every ecall a hypercall with random arguments
  const causes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 20, 21, 22, 23, 24, 63];
  const insns = (r: Rng) => r.pick([
    () => Number(r.next64() & 0xffff_ffffn) >>> 0, () => r.int(0x10000),
    () => A.sd(r.int(32), r.range(-2048, 2047), r.int(32)), () => A.sb(r.int(32), r.range(-2048, 2047), r.int(32)),
    () => A.amoadd_d(r.int(32), r.int(32), r.int(32)), () => A.sc_w(r.int(32), r.int(32), r.int(32)),
    () => A.csrrw(r.int(32), r.pick([0x100, 0x104, 0x105, 0x106, 0x10a, 0x141, 0x144, 0x180, 0x600, r.int(4096)]), r.int(32)),
    () => A.sret(), () => A.wfi(), () => A.sfence_vma(r.int(32), r.int(32)), () => A.ecall(), () => 0x5555, () => 0,
  ])();
  const exit = (r: Rng): ExitRecord => ({
    reason: r.pick(['trap', 'trap', 'trap', 'trap', 'interrupt', 'mmio', 'wfi', 'console', 'halt', 'none', 'budget'] as const),
    pc: r.int(2) ? GUEST_RAM_BASE + BigInt(r.int(32 << 20)) : r.value(),
    insn: insns(r),
    cause: r.pick(causes), tval: r.int(2) ? GUEST_RAM_BASE + BigInt(r.int(40 << 20)) : r.value(), gpa: r.value(),
    tinst: r.int(0x4000), virt: r.int(2) === 0, priv: r.pick([0, 1, 3]), code: r.int(256),
    mmio: { addr: r.value(), size: r.pick([1, 2, 4, 8]), isStore: r.int(2) === 0, value: r.value() },
  });
  for (const s of [...STRATEGIES, 'pv'] as const) {
    it(`${s}: 40 runs of 1,500 random exits with random registers and guest memory, and no exception`, async () => {
      const r = new Rng(14);
      const outcomes = new Map<string, number>();
      for (let run = 0; run < 40; run++) {
        const { m, host: h } = await host(1, 512, 32 << 20);
        const vm = new Vm(1, h, 32 << 20, { vmmPages: 256 });
        const st = makeStrategy(s, { machine: m, host: h });
        st.boot(vm, s === 'pv' ? miniosPv : minios);
        m.run = () => {
          for (let i = 1; i < 32; i++) if (r.int(4) === 0) m.setReg(i, r.int(2) ? GUEST_RAM_BASE + BigInt(r.int(34 << 20)) : r.value());
          if (r.int(8) === 0) { // scribble on guest memory (its page tables among it)
            const at = GUEST_RAM_BASE + BigInt(r.int(32 << 20) & ~7);
            vm.p2m.write64(at, r.int(2) ? ((0x80000n + BigInt(r.int(0x3000))) << 10n) | BigInt(r.int(256)) : r.value());
          }
          return exit(r);
        };
        const out = runVm(m, vm, st, { maxInstructions: 1500 });
        if (out.kind === 'crash') expect(out.why).not.toContain(VMM_FAULT);
        outcomes.set(out.kind, (outcomes.get(out.kind) ?? 0) + 1);
      }
      expect([...outcomes.keys()].length).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('one VM\'s trouble is its own', () => {
  const minios = image(readFileSync('guests/build/minios.elf'), 32 << 20);
  const ARGS = new TextEncoder().encode('getppid=100 fork=2 tick=20000\0');
  const bootMinios = (m: Machine, h: HostMemory, st: Strategy, id: number) => {
    const vm = new Vm(id, h, 32 << 20, { vmmPages: 256 });
    st.boot(vm, minios);
    vm.p2m.write(minios.symbols.get('minios_bootargs')!, ARGS);
    return vm;
  };
  const solo = new Map<S, string>();
  const soloOf = async (s: S) => {
    if (!solo.has(s)) {
      const { m, host: h } = await host(1, 256, 32 << 20);
      const st = makeStrategy(s, { machine: m, host: h });
      const vm = bootMinios(m, h, st, 1);
      expect(runVm(m, vm, st)).toEqual({ kind: 'halt', code: 0 });
      solo.set(s, vm.console);
    }
    return solo.get(s)!;
  };

  /** Touches one byte in each of `regions` 2 MiB regions: a new shadow leaf table for each. */
  const spreader = (regions: number) => elf((p) => {
    // root entry 0 -> `l1`; l1 maps `regions` 2 MiB superpages of its own RAM (the same 2 MiB at each)
    p.la(t0, 'root').la(t1, 'l1').i(A.srli(t1, t1, 12), A.slli(t1, t1, 10), A.ori(t1, t1, 1), A.sd(t1, 0, t0));
    p.li(t1, leaf(0x8000_0000n)).i(A.sd(t1, 16, t0));
    p.la(t0, 'l1').li(t1, leaf(0x8000_0000n)).li(t2, regions);
    p.label('map').i(A.sd(t1, 0, t0), A.addi(t0, t0, 8), A.addi(t2, t2, -1)).b((o) => A.bne(t2, 0, o), 'map');
    p.la(t0, 'root').i(A.srli(t0, t0, 12)).li(t1, SATP_SV39).i(A.or(t0, t0, t1), A.csrw(0x180, t0), A.sfence_vma());
    p.label('again').li(t0, 0).li(t2, regions);
    p.label('touch').i(A.sd(t2, 0x100, t0)).li(t1, 1n << 21n).i(A.add(t0, t0, t1), A.addi(t2, t2, -1)).b((o) => A.bne(t2, 0, o), 'touch');
    p.b((o) => A.jal(0, o), 'again');
    p.align(4096).label('root').data(new Uint8Array(4096)).label('l1').data(new Uint8Array(4096));
  });

  for (const s of ['trap-emulate', 'hw-shadow'] as const) {
    it(`a VM that fills its VMM pool reclaims its own shadows, and the VM beside it runs to its solo output (${s})`, async () => {
      const { m, host: h } = await host(2, 256, 32 << 20);
      const st = makeStrategy(s, { machine: m, host: h });
      const hog = new Vm(1, h, RAM, { vmmPages: 64 });
      st.boot(hog, image(spreader(200)));
      const victim = bootMinios(m, h, st, 2);
      while (!victim.ended) { runSlice(m, hog, st, 50_000); runSlice(m, victim, st, 50_000); }
      expect(hog.ended).toBeUndefined(); // it goes on, thrashing only itself
      expect(hog.stats.shadowReclaims).toBeGreaterThan(3);
      expect(victim.stats.shadowReclaims).toBe(0);
      expect(victim.ended).toEqual({ kind: 'halt', code: 0 });
      expect(victim.console).toBe(await soloOf(s));
    }, 60_000);

    it(`a VM whose pool cannot hold one walk's shadow stops with that reason, and the other runs on (${s})`, async () => {
      const { m, host: h } = await host(2, 256, 32 << 20);
      const st = makeStrategy(s, { machine: m, host: h });
      const tiny = new Vm(1, h, RAM, { vmmPages: 2 });
      st.boot(tiny, image(spreader(4)));
      const victim = bootMinios(m, h, st, 2);
      expect(runVm(m, tiny, st, { maxInstructions: 100_000 })).toEqual({ kind: 'crash', why: expect.stringMatching(/VM 1 has used all 2 pages of its VMM memory/) });
      expect(runVm(m, victim, st)).toEqual({ kind: 'halt', code: 0 });
      expect(victim.console).toBe(await soloOf(s));
    }, 60_000);
  }

  it('a VM that fits no VMM pool is refused at creation, before it takes a frame', async () => {
    const { m, host: h } = await host(1, 16);
    const free = h.vmmPagesFree;
    expect(() => new Vm(1, h, RAM, { vmmPages: free + 1 })).toThrow(/no \d+ free pages/);
    expect(h.vmmPagesFree).toBe(free);
    expect(() => new Vm(1, h, RAM, { vmmPages: free })).not.toThrow();
    void m;
  });

  for (const s of STRATEGIES) {
    it(`after a VMM fault crashed one VM, a second VM on the host runs to its exact solo output (${s})`, async () => {
      const { m, host: h } = await host(2, 256, 32 << 20);
      const st = makeStrategy(s, { machine: m, host: h });
      const first = bootMinios(m, h, st, 1), second = bootMinios(m, h, st, 2);
      let exits = 0;
      const failing: Strategy = { ...st, name: st.name, boot: st.boot.bind(st), enter: st.enter.bind(st), leave: st.leave.bind(st),
        handle: (vm, e) => { if (++exits === 40) throw new RangeError('a bug in the VMM'); return st.handle(vm, e); } };
      const out = runVm(m, first, failing);
      expect(out).toEqual({ kind: 'crash', why: `${VMM_FAULT}: RangeError: a bug in the VMM` });
      expect(runSlice(m, first, st, 1000)).toEqual(out); // it never runs again
      expect(runVm(m, second, st)).toEqual({ kind: 'halt', code: 0 });
      expect(second.console).toBe(await soloOf(s));
    }, 60_000);
  }
});
