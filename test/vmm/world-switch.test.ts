// no-hart-state-leaks-across-world-switches: whatever one VM writes to the hart, the next VM on
// it (under the same strategy or another) reads exactly what it reads when it runs alone; the
// LR/SC reservation never survives a switch; two minios VMs interleaved in slices of 10,000
// instructions each print exactly their solo output; a recycled VMID has its translations flushed.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine } from '../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm, runSlice } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import type { Strategy } from '../../src/vmm/strategy.js';
import { TagAllocator, OutOfTags } from '../../src/vmm/tags.js';
import * as A from '../helpers/asm.js';
import { buildElf } from '../helpers/elf-writer.js';
import { ENTRY, shutdown } from '../helpers/tiny-kernel.js';

const RAM = 4 << 20, VMM = 2 << 20;
const STRATEGIES = ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'] as const;
type S = (typeof STRATEGIES)[number];
const { t0, t1, t2, s3 } = A;
const MARK = 0xdead_beef_0bad_c0den;
/** Counters that move with time (cycle, time, instret): the next VM reads other values by nature. */
const CLOCKS = new Set([0xc00, 0xc01, 0xc02]);
const TABLE = 0x8030_0000n;

function kernel(build: (p: A.Program) => void): LoadedImage {
  const p = new A.Program(ENTRY);
  build(p);
  const { bytes } = buildElf({ entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }], symbols: { kernel_entry: ENTRY } });
  return parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(RAM) });
}

/** A trap handler that skips the trapping instruction (an exception) or turns interrupts off (an interrupt), setting t2 = MARK. */
function skipHandler(p: A.Program): void {
  p.align(4).label('handler').li(t2, MARK).i(A.csrr(t0, 0x142)).b((o) => A.blt(t0, 0, o), 'irq');
  p.i(A.csrr(t0, 0x141), A.addi(t0, t0, 4), A.csrw(0x141, t0), A.sret());
  p.label('irq').li(t0, 0x22).i(A.csrc(0x100, t0), A.csrw(0x104, 0), A.csrw(0x144, 0), A.sret());
}

/** Writes all ones to every CSR number but stvec and satp (what it may not write traps and is skipped). */
const writer = kernel((p) => {
  p.la(t0, 'handler').i(A.csrw(0x105, t0)).li(t1, -1n);
  for (let csr = 0; csr < 4096; csr++) if (csr !== 0x105 && csr !== 0x180) p.i(A.csrrw(0, csr, t1));
  shutdown(p, 0);
  skipHandler(p);
});

/** Reads every CSR number into a table at TABLE (MARK where the read traps). */
const reader = kernel((p) => {
  p.la(t0, 'handler').i(A.csrw(0x105, t0)).li(s3, TABLE);
  for (let csr = 0; csr < 4096; csr++) p.i(A.csrrs(t2, csr, 0), A.sd(t2, 0, s3), A.addi(s3, s3, 8));
  shutdown(p, 0);
  skipHandler(p);
});

interface Host { m: Machine; host: HostMemory; strategies: Map<S, Strategy> }
async function newHost(vms: number, ram = RAM): Promise<Host> {
  const m = await Machine.create({ ramBytes: VMM * vms + ram * vms });
  const host = new HostMemory(m, VMM * vms);
  return { m, host, strategies: new Map(STRATEGIES.map((s) => [s, makeStrategy(s, { machine: m, host })])) };
}
function boot(h: Host, id: number, s: S, image: LoadedImage, ram = RAM): Vm {
  const vm = new Vm(id, h.host, ram, { vmmPages: VMM / 4096 });
  h.strategies.get(s)!.boot(vm, image);
  return vm;
}
const csrTable = (vm: Vm) => {
  const bytes = vm.p2m.read(TABLE, 4096 * 8);
  const v = new DataView(bytes.buffer);
  return Array.from({ length: 4096 }, (_, csr) => (CLOCKS.has(csr) ? 0n : v.getBigUint64(csr * 8, true)));
};

async function readAlone(s: S): Promise<bigint[]> {
  const h = await newHost(1);
  const vm = boot(h, 1, s, reader);
  expect(runVm(h.m, vm, h.strategies.get(s)!)).toEqual({ kind: 'halt', code: 0 });
  return csrTable(vm);
}

describe('every CSR a VM reads is its own', () => {
  const alone = new Map<S, Promise<bigint[]>>();
  for (const w of STRATEGIES) {
    for (const r of STRATEGIES) {
      it(`a VM under ${r} reads the same after a VM under ${w} wrote all ones everywhere`, async () => {
        if (!alone.has(r)) alone.set(r, readAlone(r));
        const h = await newHost(2);
        const a = boot(h, 1, w, writer), b = boot(h, 2, r, reader);
        expect(runVm(h.m, a, h.strategies.get(w)!)).toEqual({ kind: 'halt', code: 0 });
        expect(runVm(h.m, b, h.strategies.get(r)!)).toEqual({ kind: 'halt', code: 0 });
        const got = csrTable(b), want = await alone.get(r)!;
        const differ = got.flatMap((v, csr) => (v === want[csr] ? [] : [`0x${csr.toString(16)}: 0x${v.toString(16)} (alone 0x${want[csr].toString(16)})`]));
        expect(differ).toEqual([]);
        expect(want[0x106]).toBe(0n); // scounteren and senvcfg exist and read 0 at boot, whatever the other VM wrote
        expect(want[0x10a]).toBe(0n);
      }, 30_000);
    }
  }
});

describe('the LR/SC reservation', () => {
  for (const s of STRATEGIES) {
    it(`never survives a world switch (${s})`, async () => {
      const h = await newHost(1);
      const vm = boot(h, 1, s, kernel((p) => { p.li(t0, 0x8030_0000n).i(A.lr_d(t1, t0)).label('spin').b((o) => A.jal(0, o), 'spin'); }));
      expect(runSlice(h.m, vm, h.strategies.get(s)!, 1000)).toEqual({ kind: 'preempted' });
      expect(h.m.reservation).toBeUndefined();
    });
  }
});

describe('the machine\'s clock is every VM\'s', () => {
  // no-vm-moves-the-shared-clock: a VM that sets its timer far ahead and waits in WFI ends its
  // slice; the clock does not jump to its deadline (found by the isolation fuzz: every other VM
  // then saw a timer interrupt at every instruction and starved).
  const waiter = kernel((p) => {
    p.li(A.a7, 0).li(A.a0, 0xffff_ffff_ffff_fff0n).i(A.ecall()); // SBI set_timer, nearly 2^64
    p.label('idle').i(A.wfi()).b((o) => A.jal(0, o), 'idle');
  });
  for (const s of ['trap-emulate', 'bt', 'hw-shadow', 'hw-nested'] as const) {
    it(`a waiting VM's slice ends without moving the clock (${s})`, async () => {
      const h = await newHost(1);
      const strategy = makeStrategy(s, { machine: h.m, host: h.host });
      const vm = new Vm(1, h.host, RAM, { vmmPages: VMM / 4096 });
      strategy.boot(vm, waiter);
      expect(runSlice(h.m, vm, strategy, 100_000)).toEqual({ kind: 'preempted' });
      expect([...vm.stats.exits.keys()].some((k) => k.includes('wfi')), JSON.stringify([...vm.stats.exits])).toBe(true);
      expect(h.m.time).toBeLessThan(1_000_000n);
    });
  }
});

describe('two minios VMs interleaved in slices of 10,000 instructions', () => {
  const image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 32n << 20n });
  const args = (w: string) => new TextEncoder().encode(`${w} tick=20000\0`);
  const WORK = ['getppid=300 fork=4 tlb=3000', 'compute=30000 fork=3 getppid=100'];
  const runAlone = async (s: S, work: string) => {
    const h = await newHost(1, 32 << 20);
    const vm = boot(h, 1, s, image, 32 << 20);
    vm.p2m.write(image.symbols.get('minios_bootargs')!, args(work));
    expect(runVm(h.m, vm, h.strategies.get(s)!)).toEqual({ kind: 'halt', code: 0 });
    return vm.console;
  };
  for (const s of STRATEGIES) {
    it(`each prints exactly its solo output (${s})`, async () => {
      const solo = [await runAlone(s, WORK[0]), await runAlone(s, WORK[1])];
      const h = await newHost(2, 32 << 20);
      const vms = WORK.map((w, i) => {
        const vm = boot(h, i + 1, s, image, 32 << 20);
        vm.p2m.write(image.symbols.get('minios_bootargs')!, args(w));
        return vm;
      });
      let slices = 0;
      while (!vms.every((v) => v.ended)) for (const vm of vms) if (!vm.ended) { runSlice(h.m, vm, h.strategies.get(s)!, 10_000); slices++; }
      expect(slices).toBeGreaterThan(100);
      expect(vms.map((v) => v.ended)).toEqual([{ kind: 'halt', code: 0 }, { kind: 'halt', code: 0 }]);
      expect(vms.map((v) => v.console)).toEqual(solo);
      expect(solo[0]).toMatch(/getppid n=300 checksum=300\n/);
    }, 60_000);
  }
});

describe('tags', () => {
  it('a destroyed VM\'s VMID is flushed before the next VM gets it', async () => {
    const h = await newHost(1, 32 << 20);
    const image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 32n << 20n });
    const s = h.strategies.get('hw-nested')!;
    const first = boot(h, 1, 'hw-nested', image, 32 << 20);
    first.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode('getppid=50 tick=0\0'));
    expect(runVm(h.m, first, s)).toEqual({ kind: 'halt', code: 0 });
    expect(h.host.vmids.inUse).toBe(1);
    const before = h.m.counters().tlbFlushRecycle;
    first.destroy();
    expect(h.m.counters().tlbFlushRecycle).toBe((before as bigint) + 1n);
    expect(h.host.vmids.inUse).toBe(0);
    const second = boot(h, 2, 'hw-nested', image, 32 << 20);
    second.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode('getppid=70 tick=0\0'));
    expect(h.host.vmids.stats).toEqual({ allocated: 2, recycled: 1 });
    expect(runVm(h.m, second, s)).toEqual({ kind: 'halt', code: 0 });
    expect(second.console).toMatch(/getppid n=70 checksum=70/);
  }, 30_000);

  it('the allocator hands a tag to one holder at a time and flushes it before reuse', () => {
    const flushed: number[] = [];
    const tags = new TagAllocator('ASID', 3);
    const a = tags.alloc(() => flushed.push(a)), b = tags.alloc(() => flushed.push(b)), c = tags.alloc(() => flushed.push(c));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(() => tags.alloc(() => {})).toThrow(OutOfTags);
    tags.release(b);
    expect(flushed).toEqual([b]);
    expect(tags.alloc(() => {})).toBe(b);
    expect(() => tags.release(99)).toThrow(/not held/);
  });

  for (const s of ['trap-emulate', 'hw-shadow'] as const) {
    it(`shadow roots take ASIDs from the host and give them all back, flushed (${s})`, async () => {
      const h = await newHost(2, 32 << 20);
      const image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 32n << 20n });
      const vms = [1, 2].map((id) => boot(h, id, s, image, 32 << 20));
      for (const vm of vms) {
        vm.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode('fork=2 tick=0\0'));
        expect(runVm(h.m, vm, h.strategies.get(s)!)).toEqual({ kind: 'halt', code: 0 });
      }
      const held = h.host.asids.inUse;
      expect(held).toBeGreaterThan(2);
      const before = h.m.counters().tlbFlushRecycle as bigint;
      for (const vm of vms) vm.destroy();
      expect(h.host.asids.inUse).toBe(0);
      expect(h.m.counters().tlbFlushRecycle).toBe(before + BigInt(held));
      expect(h.host.vmmPagesFree).toBe(2 * VMM / 4096);
    }, 30_000);
  }
});
