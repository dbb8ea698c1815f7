// A migrated run prints exactly what an unmigrated run prints — every workload's checksum
// included — on a bare machine (minios with its own M-mode stub) and under every VMM strategy, by
// post-copy, stop-and-copy and the hybrid (pre-copy is covered, with the memory check, by
// consistency.test.ts). After a post-copy the guest really did fault pages in from the source.
// Under pv (minios-pv, which prints what minios prints) by pre-copy and stop-and-copy; post-copy is refused before anything is sent, and the VM goes on.
import { describe, it, expect } from 'vitest';
import { miniosBare, miniosVm, migrateInMemory, runToEnd, VMM_STRATEGIES } from '../helpers/migration.js';
import type { HostedVm } from '../../src/migration/vm/hosted.js';
import type { PolicyName } from '../../src/migration/options.js';
import { MigrationFailed } from '../../src/migration/source.js';

const ARGS = 'getppid=300 fork=4 dirty=64,3000 tlb=5000 compute=2000000 tick=100000';
const FAST = { maxBandwidth: 2 ** 31, sliceInstructions: 50_000 };
const make = (s: (typeof VMM_STRATEGIES)[number] | 'native') => (s === 'native' ? miniosBare(ARGS) : miniosVm(s, ARGS));

describe('migrated and unmigrated runs give the same output and checksums', () => {
  let expected: string | undefined;
  for (const s of ['native', ...VMM_STRATEGIES] as const) {
    it(`${s}: post-copy, stop-and-copy and hybrid`, async () => {
      const ref = runToEnd((await make(s)).vm);
      expect(ref.end).toBe('halt 0');
      expect(ref.output).toMatch(/dirty n=3000 checksum=\d+\ntlb n=5000 checksum=\d+\ncompute n=2000000 checksum=1999999000000\n/);
      expected ??= ref.output; // every strategy prints what the bare machine prints
      expect(ref.output).toBe(expected);
      const policies: PolicyName[] = ['postcopy', 'stop-and-copy', 'hybrid'];
      for (const policy of policies) {
        const { vm } = await make(s);
        vm.run(2_000_000);
        const before = (vm as HostedVm).takeOutput();
        const m = await migrateInMemory(vm, { ...FAST, policy, hybridRounds: 1 });
        expect(m.sourceError, policy).toBeUndefined();
        expect(m.received!.outcome, policy).toEqual({ kind: 'halt', code: 0 });
        expect(before + m.sourceOutput + m.received!.output, policy).toBe(ref.output);
        if (policy === 'postcopy') {
          expect(m.received!.faults, 'pages faulted in').toBeGreaterThan(0);
          expect(m.report!.postcopy!.requested).toBeGreaterThan(0);
          expect(m.report!.postcopy!.pages).toBe(vm.pages); // every page went exactly once
        }
        if (policy === 'stop-and-copy') expect(m.report!.rounds).toEqual([]);
      }
    }, 60_000);
  }

  it('pv: pre-copy and stop-and-copy; post-copy refused, the VM going on', async () => {
    const ref = runToEnd((await miniosVm('pv', ARGS)).vm);
    expect(ref.end).toBe('halt 0');
    expected ??= runToEnd((await miniosBare(ARGS)).vm).output;
    expect(ref.output).toBe(expected);
    for (const policy of ['precopy', 'stop-and-copy'] as PolicyName[]) {
      const { vm } = await miniosVm('pv', ARGS);
      vm.run(2_000_000);
      const before = vm.takeOutput();
      const m = await migrateInMemory(vm, { ...FAST, policy });
      expect(m.sourceError, policy).toBeUndefined();
      expect(m.received!.outcome, policy).toEqual({ kind: 'halt', code: 0 });
      expect(before + m.sourceOutput + m.received!.output, policy).toBe(ref.output);
    }
    const { vm } = await miniosVm('pv', ARGS);
    vm.run(2_000_000);
    const before = vm.takeOutput();
    const m = await migrateInMemory(vm, { ...FAST, policy: 'postcopy' });
    expect(m.sourceError).toBeInstanceOf(MigrationFailed);
    expect(m.sourceError!.message).toMatch(/a VM under pv cannot resume before all its pages are there .* postcopy is not possible/);
    expect((m.sourceError as MigrationFailed).sourceRunning).toBe(true);
    expect(before + runToEnd(vm).output).toBe(ref.output);
  }, 60_000);
});
