// A VM can never reach a frame it does not own: a hostile guest that stores outside its RAM, or
// maps foreign addresses in its own page table, is refused (it takes an access fault, as bare
// hardware gives for an address no memory or device answers: under hw-nested the VMM turns the
// G-stage fault into one), and no byte outside its frames changes. Two VMs on one host: running one leaves the other's memory untouched.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine } from '../../bindings/machine.js';
import { parseImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import * as A from '../helpers/asm.js';
import { tinyKernel, pagingOn } from '../helpers/tiny-kernel.js';

const RAM = 4 << 20, VMM = 8 << 20;

/** A guest kernel that attacks once: if the attack "works" it reports failure; the access fault it should get instead reports success. */
const hostileGuest = (attack: (p: A.Program) => void) => tinyKernel(attack, RAM, true);

const OUTSIDE = GUEST_RAM_BASE + BigInt(RAM) + 0x3000n; // the first guest-physical page past the VM's RAM

const ATTACKS: Record<string, (p: A.Program) => void> = {
  'a store past the end of its RAM (paging off)': (p) => { p.li(A.t1, OUTSIDE).li(A.t2, 0xbad).i(A.sd(A.t2, 0, A.t1)); },
  'a load through its own page table mapping a gigapage of foreign addresses': (p) => {
    // entry 1 maps VA 0x4000_0000.. to PA 0 as a 1 GiB leaf: below the VM's RAM
    pagingOn(p);
    p.la(A.t0, 'table').li(A.t1, 0xcfn).i(A.sd(A.t1, 8, A.t0), A.sfence_vma());
    p.li(A.t1, 0x4000_0000n + 0x0200_0000n).i(A.ld(A.t2, 0, A.t1)); // the CLINT's page, were it PA
  },
};

/** A digest of every host frame the VM does not own (the other VMs' and the free pool). */
function foreignFrames(m: Machine, host: HostMemory, owner: number): string {
  const h = createHash('sha256');
  for (let a = 0x8000_0000n + BigInt(VMM); a < 0x8000_0000n + BigInt(m.ramBytes); a += 4096n) {
    if (host.ownerOf(a) !== owner) h.update(m.readPhys(a, 4096));
  }
  return h.digest('hex');
}

describe('a hostile guest is refused', () => {
  for (const [what, attack] of Object.entries(ATTACKS)) {
    for (const s of ['trap-emulate', 'hw-shadow', 'hw-nested'] as const) {
      it(`${what}: ${s}`, async () => {
        const m = await Machine.create({ ramBytes: VMM + 3 * RAM });
        const host = new HostMemory(m, VMM);
        const victim = new Vm(2, host, RAM);
        victim.p2m.write(GUEST_RAM_BASE, new Uint8Array(RAM).fill(0x5a));
        const vm = new Vm(1, host, RAM);
        const strategy = makeStrategy(s, { machine: m, host });
        strategy.boot(vm, hostileGuest(attack));
        const before = foreignFrames(m, host, 1);
        const out = runVm(m, vm, strategy, { maxInstructions: 100_000 });
        expect(out).toEqual({ kind: 'halt', code: 0 }); // the guest saw an access fault
        expect(foreignFrames(m, host, 1)).toBe(before);
        expect(victim.p2m.read(GUEST_RAM_BASE + 0x3000n, 16)).toEqual(new Uint8Array(16).fill(0x5a));
      });
    }
  }
});

describe('two VMs on one host', () => {
  it('running one leaves the other\'s frames untouched, and the other then runs correctly', async () => {
    const m = await Machine.create({ ramBytes: (32 << 20) + 2 * (64 << 20) });
    const host = new HostMemory(m, 32 << 20);
    const image = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 64n << 20n });
    const strategy = makeStrategy('hw-nested', { machine: m, host });
    const vms = [new Vm(1, host, 64 << 20), new Vm(2, host, 64 << 20)];
    const args = new TextEncoder().encode('getppid=100 fork=3 tick=100000\0');
    for (const vm of vms) { strategy.boot(vm, image); vm.p2m.write(image.symbols.get('minios_bootargs')!, args); }
    // Frames are dealt out interleaved: neither VM's memory is one contiguous block.
    expect(vms[0].p2m.frames[1] - vms[0].p2m.frames[0]).not.toBe(4096n);
    const digest = (vm: Vm) => createHash('sha256').update(vm.p2m.read(GUEST_RAM_BASE, 64 << 20)).digest('hex');
    const other = digest(vms[1]);
    expect(runVm(m, vms[0], strategy)).toEqual({ kind: 'halt', code: 0 });
    expect(digest(vms[1])).toBe(other);
    expect(runVm(m, vms[1], strategy)).toEqual({ kind: 'halt', code: 0 });
    expect(vms[1].console).toBe(vms[0].console);
    expect(vms[0].console).toMatch(/getppid n=100 checksum=100\nfork n=3 checksum=\d+/);
  }, 30_000);
});
