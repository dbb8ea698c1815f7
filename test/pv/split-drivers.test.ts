// The split drivers of minios-pv against dom0's backends: a block read from a disk image file and
// a network echo through the virtual switch move the right bytes (the guest's checksum against
// one computed here from the same bytes), one notification per request.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../../bindings/machine.js';
import { parseImage } from '../../src/loader/index.js';
import { HostMemory } from '../../src/vmm/frames.js';
import { Vm, GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { runVm } from '../../src/vmm/runner.js';
import { PvStrategy, type PvOptions } from '../../src/pv/strategy.js';
import { FileBlockStore } from '../../src/vdev/file-block-store.js';
import { patternDisk, type BlockStore } from '../../src/vdev/block-store.js';
import { VirtualSwitch } from '../../src/net/switch.js';
import { ClientHost } from '../../src/net/host.js';
import { ETHERTYPE } from '../../src/net/ethernet.js';
import { vifMac } from '../../src/pv/backends/net.js';
import { BlockBackend } from '../../src/pv/backends/block.js';

const RAM = 48 << 20, VMM = 16 << 20;
const image = parseImage(readFileSync('guests/build/minios-pv.elf'), { base: GUEST_RAM_BASE, size: BigInt(RAM) });

function fnv(bytes: Uint8Array, h = 0xcbf29ce484222325n): bigint {
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

async function boot(bootargs: string, disk?: BlockStore, options: PvOptions = {}) {
  const machine = await Machine.create({ ramBytes: RAM + VMM });
  const host = new HostMemory(machine, VMM);
  const vm = new Vm(1, host, RAM);
  const pv = new PvStrategy({ machine, host, disk }, options);
  pv.boot(vm, image);
  vm.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode(`${bootargs} tick=100000\0`));
  return { machine, vm, pv, run: () => runVm(machine, vm, pv, { maxInstructions: 100_000_000 }) };
}

describe('the block split driver', () => {
  it('reads a disk image file: the guest\'s checksum of 40 reads is the file\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmlab-disk-'));
    const file = join(dir, 'disk.img');
    const bytes = patternDisk(4 << 20, 0xbeef);
    writeFileSync(file, bytes);
    const disk = new FileBlockStore(file);
    const { vm, pv, run } = await boot('io=40', disk);
    expect(run()).toEqual({ kind: 'halt', code: 0 });
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < 40; i++) h = fnv(bytes.subarray(i * 4096, i * 4096 + 4096), h);
    expect(vm.console).toContain(`io n=40 checksum=${h}\n`);
    expect((pv.backends.devices[0] as BlockBackend).counts).toEqual({ requests: 40, errors: 0 });
    // One event-channel send per request (the notification), nothing else per read.
    expect(vm.stats.exits.get('event_channel_op')).toBeGreaterThanOrEqual(40);
    disk.close();
  }, 60_000);
});

describe('the network split driver', () => {
  it('a client host on the switch gets 25 frames echoed, payloads intact; the guest\'s checksum agrees', async () => {
    const net = new VirtualSwitch();
    const client = new ClientHost('client', '02:00:00:00:00:01', '10.0.0.1', net);
    const N = 25;
    const payload = (i: number) => Uint8Array.from({ length: 64 + 37 * i }, (_, k) => (k * 7 + i) & 0xff);
    const { vm, pv, run } = await boot(`netecho=${N}`, undefined, { net });
    const guest = vifMac(1);
    let sent = 0, expected = 0xcbf29ce484222325n;
    const echoed: Uint8Array[] = [];
    const next = () => { if (sent < N) { const p = payload(sent++); expected = fnv(p, expected); client.send(guest, ETHERTYPE.LOCAL_EXPERIMENTAL, p); } };
    client.on(ETHERTYPE.LOCAL_EXPERIMENTAL, (f) => { expect(f.src).toBe(guest); echoed.push(f.payload); next(); });
    pv.backends.store.watch('/local/domain/0/backend/vif/1/0/state', (_p, v) => { if (v === '4') next(); });
    expect(run()).toEqual({ kind: 'halt', code: 0 });
    expect(echoed.length).toBe(N);
    echoed.forEach((p, i) => expect(p).toEqual(payload(i)));
    expect(vm.console).toContain(`netecho n=${N} checksum=${expected}\n`);
    expect(net.lookup(guest)?.name).toBe('vif1.0'); // learned from the echoes
  }, 60_000);
});
