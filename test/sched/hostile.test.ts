// A hostile VM on the host: it runs forever doing random damage (the isolation fuzz's kernel),
// beside a victim kernel and a minios guest, under Credit on two pCPUs with short quanta (many world
// switches). The host goes on and ends at its duration; the victim and minios print what they
// print alone; nothing escapes the host.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine } from '../../bindings/machine.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { makeStrategy } from '../../src/compare/run.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { DEFAULT_COST } from '../../src/cost/model.js';
import { Host } from '../../src/sched/host.js';
import { Hart, GuestBody } from '../../src/sched/guest.js';
import { Meter } from '../../src/sched/meter.js';
import { Clock, MS } from '../../src/sched/time.js';
import { credit } from '../../src/sched/schedulers/credit.js';
import { defaults } from '../../src/sched/params.js';
import { victimKernel, hostileKernel, FUZZ_RAM } from '../helpers/isolation-guests.js';

const MIB = 1 << 20, VMM = 24 * MIB;
const minios = parseImage(readFileSync('guests/build/minios.elf'), { base: GUEST_RAM_BASE, size: 32n << 20n });
const MINIOS_ARGS = new TextEncoder().encode('getppid=2000 fork=5 sleep=5\0');

interface Guest { name: string; image: LoadedImage; ram: number; args?: Uint8Array }

async function solo(s: 'trap-emulate' | 'hw-shadow' | 'hw-nested', g: Guest): Promise<string> {
  const m = await Machine.create({ ramBytes: VMM + g.ram });
  const host = new HostMemory(m, VMM);
  const vm = new Vm(1, host, g.ram);
  const st = makeStrategy(s, { machine: m, host });
  st.boot(vm, g.image);
  if (g.args) vm.p2m.write(g.image.symbols.get('minios_bootargs')!, g.args);
  runVm(m, vm, st, { maxInstructions: 2e8 });
  return vm.console;
}

describe('a hostile VM on the host', () => {
  for (const s of ['trap-emulate', 'hw-shadow', 'hw-nested'] as const) {
    it(`cannot stop the host or change what the others compute: ${s}`, async () => {
      const guests: Guest[] = [
        { name: 'hostile', image: hostileKernel(7), ram: FUZZ_RAM },
        { name: 'victim', image: victimKernel(), ram: FUZZ_RAM },
        { name: 'minios', image: minios, ram: 32 * MIB, args: MINIOS_ARGS },
      ];
      const m = await Machine.create({ ramBytes: VMM + guests.reduce((a, g) => a + g.ram, 0) });
      const memory = new HostMemory(m, VMM);
      const clock = new Clock(100e6), meter = new Meter(m, DEFAULT_COST), hart = new Hart(m);
      const host = new Host({ pcpus: 2, scheduler: credit.create(defaults(credit.hostParams), 2, {}, []), switchNs: clock.ns(2000), quantumNs: 100_000 });
      const vms = guests.map((g, i) => {
        const vm = new Vm(i + 1, memory, g.ram);
        const st = makeStrategy(s, { machine: m, host: memory });
        st.boot(vm, g.image);
        if (g.args) vm.p2m.write(g.image.symbols.get('minios_bootargs')!, g.args);
        host.add(g.name, defaults(credit.vmParams), new GuestBody(hart, vm, st, meter, clock));
        return vm;
      });
      await host.runInSteps(1200 * MS);
      const [hostile, victim, mini] = host.vcpus;
      expect(hostile.state).not.toBe('done'); // it never stops on its own...
      expect(host.now).toBeGreaterThanOrEqual(1200 * MS); // ...and the host ran to its end regardless
      expect(victim.record.outcome).toBe('halt 0');
      expect(mini.record.outcome).toBe('halt 0');
      expect(vms[1].console).toBe(await solo(s, guests[1]));
      expect(vms[2].console).toBe(await solo(s, guests[2]));
      expect(vms[1].console).toMatch(/victim ok/);
    }, 120_000);
  }
});
