// Network handover (Clark et al.'s "migrating network resources"): a PV domain echoes a client's
// frames (minios-pv's netecho, through netfront, netback and the virtual switch both hosts are on)
// while it migrates. At the switch-over the destination's vif sends a gratuitous ARP reply for
// the guest's address: the switch's MAC table moves to the new port, the client's ARP cache
// keeps the address at the same MAC, and the client's stream goes on — every frame echoed once,
// intact, in order, and the guest's checksum of what it echoed is the client's.
import { describe, it, expect } from 'vitest';
import { miniosVm, migrateInMemory } from '../helpers/migration.js';
import { VmmVm } from '../../src/migration/vm/vmm-vm.js';
import { VirtualSwitch } from '../../src/net/switch.js';
import { ClientHost } from '../../src/net/host.js';
import { ETHERTYPE } from '../../src/net/ethernet.js';
import { vifMac, type NetBackend } from '../../src/pv/backends/net.js';
import type { PvStrategy } from '../../src/pv/strategy.js';

const RAM = 48 << 20, N = 600, IP = '10.0.0.2';

function fnv(bytes: Uint8Array, h = 0xcbf29ce484222325n): bigint {
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}
const payload = (i: number) => Uint8Array.from({ length: 46 + ((i * 37) % 900) }, (_, k) => (k * 7 + i) & 0xff);
const netOf = (vm: VmmVm) => (vm.vmm as unknown as PvStrategy).backends.devices.find((d) => d.kind === 'vif') as NetBackend;

describe('network handover', () => {
  it('gratuitous ARP at the switch-over: the switch and the client follow the VM; the client\'s echo stream goes on intact', async () => {
    const net = new VirtualSwitch();
    const client = new ClientHost('client', '02:00:00:00:00:01', '10.0.0.1', net);
    const guest = vifMac(1);
    const { vm } = await miniosVm('pv', `netecho=${N} tick=100000`, RAM, { net: { switch: net, ip: IP } });
    // The client talks to the guest in lock step: each echo sends the next frame.
    let sent = 0, expected = 0xcbf29ce484222325n;
    const echoed: Uint8Array[] = [];
    const next = () => { if (sent < N) { const p = payload(sent++); expected = fnv(p, expected); client.send(guest, ETHERTYPE.LOCAL_EXPERIMENTAL, p); } };
    client.on(ETHERTYPE.LOCAL_EXPERIMENTAL, (f) => { expect(f.src).toBe(guest); echoed.push(f.payload); next(); });
    (vm.vmm as unknown as PvStrategy).netBackend!.whenConnected(vm.vm.id, next);
    client.arp.set(IP, { mac: guest, updates: 0, heard: 0 });

    for (let i = 0; i < 40 && echoed.length < 20; i++) vm.run(200_000);
    expect(echoed.length, 'the stream runs before the migration').toBeGreaterThanOrEqual(20);
    const sourcePort = net.lookup(guest);
    expect(sourcePort?.name).toBe('vif1.0');
    const atStop: number[] = [];
    let destVif: unknown;
    const m = await migrateInMemory(vm, { policy: 'precopy', maxBandwidth: 2 ** 31, sliceInstructions: 5_000, onEvent: (e) => { if (e.type === 'stopped') atStop.push(echoed.length); } }, {
      createVm: async () => {
        const dst = await VmmVm.create('pv', RAM, true, { net: { switch: net, ip: IP } });
        return dst;
      },
      beforeResume: (dst) => {
        // Loaded, not yet resumed: the switch still sends the guest's frames to the source's port.
        expect(net.lookup(guest)).toBe(sourcePort);
        destVif = netOf(dst as VmmVm).vifs.get(1);
        expect(destVif).toBeDefined();
      },
      onSlice: () => { if (net.lookup(guest) !== destVif) throw new Error('the switch lost the guest after the switch-over'); },
    });
    vm.destroy(); // the source lets go of its copy (its vif leaves the switch)
    expect(m.sourceError).toBeUndefined();
    expect(m.received!.outcome).toEqual({ kind: 'halt', code: 0 });
    expect(atStop[0], 'the stream was under way at the stop').toBeLessThan(N);
    // The announcement moved the MAC to the destination's port; the address stayed at the same MAC.
    expect(net.lookup(guest)).toBe(destVif);
    expect(netOf(m.received!.vm as VmmVm).announcements).toBe(1);
    expect(client.arp.get(IP)).toEqual({ mac: guest, updates: 0, heard: 1 });
    // Every frame came back once, intact and in order, and the guest hashed what the client sent.
    expect(echoed.length).toBe(N);
    echoed.forEach((p, i) => expect(p, `frame ${i}`).toEqual(payload(i)));
    expect(m.sourceOutput + m.received!.output).toContain(`netecho n=${N} checksum=${expected}\n`);
  }, 30_000);
});
