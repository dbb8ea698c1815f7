// Two hosts' switches joined by an uplink behave as one learning network (a frame crosses, the far
// switch learns the sender behind its uplink, a gratuitous ARP moves a MAC across), and a peer that
// sends what no Ethernet frame is ends the link: the uplink is unplugged, the switch goes on.
import { describe, it, expect } from 'vitest';
import { memoryPair } from '../../src/migration/transport/memory.js';
import { VirtualSwitch } from '../../src/net/switch.js';
import { SwitchUplink } from '../../src/net/uplink.js';
import { ClientHost } from '../../src/net/host.js';
import { ETHERTYPE } from '../../src/net/ethernet.js';

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('switch uplink', () => {
  it('frames cross in both directions; each switch learns the far hosts behind its uplink; an announcement moves a MAC', async () => {
    const [a, b] = memoryPair();
    const left = new VirtualSwitch(), right = new VirtualSwitch();
    const upL = new SwitchUplink('upL', left, a), upR = new SwitchUplink('upR', right, b);
    const alice = new ClientHost('alice', '02:00:00:00:00:0a', '10.0.0.10', left);
    const bob = new ClientHost('bob', '02:00:00:00:00:0b', '10.0.0.11', right);
    alice.send(bob.mac, ETHERTYPE.LOCAL_EXPERIMENTAL, new Uint8Array([1, 2, 3]));
    await settle();
    expect(bob.received.map((f) => [...f.payload])).toEqual([[1, 2, 3]]);
    bob.send(alice.mac, ETHERTYPE.LOCAL_EXPERIMENTAL, new Uint8Array([4]));
    await settle();
    expect(alice.received.map((f) => [...f.payload])).toEqual([[4]]);
    expect(left.lookup(bob.mac)).toBe(upL);
    expect(right.lookup(alice.mac)).toBe(upR);
    // bob's MAC reappears on the left (a VM that moved): its announcement relearns it on both sides.
    const moved = new ClientHost('bob-moved', bob.mac, bob.ip, left);
    moved.announce();
    await settle();
    expect(left.lookup(bob.mac)).toBe(moved);
    expect(right.lookup(bob.mac)).toBe(upR);
    expect(alice.arp.get(bob.ip)?.mac).toBe(bob.mac);
  });

  it('a length no Ethernet frame has ends the link, unplugged, naming it; the local switch goes on', async () => {
    const [a, b] = memoryPair();
    const left = new VirtualSwitch();
    const up = new SwitchUplink('up', left, a);
    const h1 = new ClientHost('h1', '02:00:00:00:00:01', '10.0.0.1', left);
    const h2 = new ClientHost('h2', '02:00:00:00:00:02', '10.0.0.2', left);
    await b.send(Uint8Array.of(3, 0, 1, 2, 3)); // a 3-byte "frame"
    await settle();
    expect(up.closed).toBe('a frame of 3 bytes on the uplink');
    h1.send(h2.mac, ETHERTYPE.LOCAL_EXPERIMENTAL, new Uint8Array([9]));
    expect(h2.received.length).toBe(1);
    expect(left.entries().some(([, port]) => port === 'up')).toBe(false);
  });
});
