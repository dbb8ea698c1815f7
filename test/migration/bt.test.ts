// Binary translation under migration: only the guest-visible state moves (registers, a guest pc,
// the virtual CPU), so a VM stopped inside an emulation sequence — scratch registers in use, a pc
// in this host's translation cache — is first stepped to a guest-instruction boundary; and a
// record naming a kernel pc in the VMM's region is refused.
import { describe, it, expect } from 'vitest';
import { miniosVm, migrateInMemory, runToEnd } from '../helpers/migration.js';
import { StateReader, MigrationStateError, type StateRecord } from '../../src/vmm/state-reader.js';
import { VmmVm } from '../../src/migration/vm/vmm-vm.js';

const ARGS = 'getppid=2000 fork=20 tick=100000';

describe('bt under migration', () => {
  it('bt-state-is-saved-at-an-instruction-boundary: a VM stopped mid-emulation is stepped to one, and migrates', async () => {
    const ref = runToEnd((await miniosVm('bt', ARGS)).vm).output;
    const { vm } = await miniosVm('bt', ARGS);
    vm.run(300_000);
    // Odd budgets until the hart stops inside the translation of one guest instruction.
    let midway = false;
    for (let k = 1; k < 400 && !midway; k++) {
      vm.run(k);
      try { vm.vmm.saveVm(vm.vm); } catch (e) { midway = /not at a guest-instruction boundary/.test((e as Error).message); }
    }
    expect(midway, 'a stop inside an emulation sequence').toBe(true);
    const before = vm.takeOutput();
    vm.quiesce();
    const state = vm.vmm.saveVm(vm.vm) as { hart: { pc: bigint } };
    expect(state.hart.pc < 0xffff_ffff_ffe0_0000n, 'a guest pc, not a translated one').toBe(true);
    const m = await migrateInMemory(vm, { policy: 'stop-and-copy', maxBandwidth: 2 ** 31 });
    expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    expect(before + m.sourceOutput + m.received!.output).toBe(ref);
  }, 30_000);

  it('a record whose kernel pc lies in the VMM\'s region is refused, naming it', async () => {
    const { vm } = await miniosVm('bt', ARGS);
    vm.run(500_000);
    vm.quiesce();
    const state = vm.vmm.saveVm(vm.vm) as StateRecord & { hart: { pc: bigint }; vcpu: { mode: string } };
    state.vcpu.mode = 'S';
    state.hart.pc = 0xffff_ffff_fff0_0000n;
    const dst = await VmmVm.create('bt', 64 << 20, true);
    expect(() => dst.vmm.restoreVm(dst.vm, new StateReader(state, 'VMM (bt)'))).toThrow(MigrationStateError);
    expect(() => dst.vmm.restoreVm(dst.vm, new StateReader(state, 'VMM (bt)'))).toThrow(/kernel pc 0xfffffffffff00000 is in the VMM's region/);
    dst.destroy();
  });
});
