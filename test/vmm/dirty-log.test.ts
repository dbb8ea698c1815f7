// The core's dirty bitmap seen through a VM's p2m: a store of the guest marks the guest page it
// wrote (whatever host frame holds it), the VMM's own writes to its tables mark no guest page,
// and two VMs logged on one host each get exactly their own pages, however their read-and-clears
// interleave.
import { describe, it, expect } from 'vitest';
import { Machine } from '../../bindings/machine.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { GuestDirtyLog, testBit, countBits, type PageBitmap } from '../../src/vmm/dirty-log.js';

const pagesOf = (b: PageBitmap, n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => testBit(b, i));

describe('dirty logging per VM', () => {
  it('two VMs on one host: each read-and-clear gives a VM its own guest pages, none lost to the other', async () => {
    const m = await Machine.create({ ramBytes: (8 << 20) + 2 * (1 << 20) });
    const host = new HostMemory(m, 8 << 20);
    const a = new Vm(1, host, 1 << 20, { vmmPages: 16 }), b = new Vm(2, host, 1 << 20, { vmmPages: 16 });
    const la = GuestDirtyLog.forVm(m, a.p2m), lb = GuestDirtyLog.forVm(m, b.p2m);
    la.start();
    lb.start();
    a.p2m.write64(GUEST_RAM_BASE + 5n * 4096n, 1n); // through the host: the guest page of A, at some frame
    b.p2m.write64(GUEST_RAM_BASE + 7n * 4096n, 1n);
    m.write64(0x8000_0000n + 4096n, 9n); // the VMM's own region: no VM's page
    expect(pagesOf(la.readAndClear(), la.pages)).toEqual([5]);
    a.p2m.write64(GUEST_RAM_BASE + 6n * 4096n, 1n);
    expect(pagesOf(lb.readAndClear(), lb.pages)).toEqual([7]); // A's second write did not take B's bit
    expect(pagesOf(la.readAndClear(), la.pages)).toEqual([6]);
    la.stop();
    b.p2m.write64(GUEST_RAM_BASE + 1n * 4096n, 1n);
    expect(m.dirtyLogging).toBe(true); // B still logs
    expect(pagesOf(lb.readAndClear(), lb.pages)).toEqual([1]);
    lb.stop();
    expect(m.dirtyLogging).toBe(false);
    expect(countBits(la.readAndClear())).toBe(0);
  });
});
