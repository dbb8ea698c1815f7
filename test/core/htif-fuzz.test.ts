// htif-never-reaches-past-ram: every HTIF request takes its addresses and lengths from the guest
// (tohost, fromhost, the syscall block, write's buffer and length). Whatever they are — past RAM,
// straddling its end, wrapping around 2^64, longer than RAM — the core serves or refuses the request
// and never traps into the host; a write inside RAM prints exactly its bytes (a short write when
// the console ring is fuller than it is long), one outside returns -EFAULT.
import { describe, it, expect } from 'vitest';
import { machineWith, RAM_BASE } from '../helpers/machine.js';
import { sd, words } from '../helpers/encode.js';
import { Rng } from '../helpers/rng.js';

const RAM = 1 << 20;
const END = RAM_BASE + BigInt(RAM);
const EFAULT = BigInt.asUintN(64, -14n);
const jSelf = 0x0000006f;

describe('HTIF with hostile requests', () => {
  it('the cases seen in the field: buf 0x800ffff0 with len 0x100001, and len all ones', async () => {
    const m = await machineWith([sd(6, 5, 0), jSelf], RAM);
    const tohost = RAM_BASE + 0x1000n, block = RAM_BASE + 0x2000n;
    m.setHtif(tohost, tohost + 8n);
    for (const len of [0x10_0001n, 0xffff_ffff_ffff_ffffn]) {
      for (const [i, v] of [64n, 1n, 0x800f_fff0n, len].entries()) m.write64(block + BigInt(i * 8), v);
      m.reset(RAM_BASE);
      m.setReg(5, tohost);
      m.setReg(6, block);
      expect(m.run(10).reason).toBe('budget');
      expect(m.read64(block)).toBe(EFAULT);
      expect(m.drainConsole().length).toBe(0);
    }
  });

  it('1,500 random requests never throw, and every write in RAM prints exactly its bytes', async () => {
    const rng = new Rng(8);
    const m = await machineWith([sd(6, 5, 0), jSelf], RAM);
    const anywhere = (): bigint => rng.pick([
      () => RAM_BASE + BigInt(rng.int(RAM)), () => END - BigInt(rng.int(64)), () => END + BigInt(rng.int(64)),
      () => RAM_BASE - BigInt(rng.int(64)), () => rng.value(), () => 0xffff_ffff_ffff_fff0n + BigInt(rng.int(16)),
    ])() & ~0n;
    const length = (): bigint => rng.pick([() => BigInt(rng.int(64)), () => BigInt(rng.int(5000)), () => BigInt(RAM), () => 0x10_0001n, () => rng.value()])();
    let served = 0;
    for (let i = 0; i < 1500; i++) {
      const tohost = rng.int(8) === 0 ? (anywhere() & ~7n) : RAM_BASE + 0x1000n;
      const fromhost = rng.int(4) === 0 ? anywhere() : tohost + 8n;
      const block = rng.int(4) === 0 ? anywhere() & ~7n : RAM_BASE + 0x2000n + BigInt(8 * rng.int(64));
      const buf = rng.int(3) === 0 ? anywhere() : RAM_BASE + 0x4000n + BigInt(rng.int(0x1000));
      const len = length();
      const inRam = (a: bigint, n: bigint) => a >= RAM_BASE && n <= BigInt(RAM) && a - RAM_BASE <= BigInt(RAM) - n;
      if (inRam(block, 32n) && block >= RAM_BASE + 0x1000n) for (const [k, v] of [64n, BigInt(1 + rng.int(2)), buf, len].entries()) m.write64(block + BigInt(k * 8), v);
      const request = rng.int(6) === 0 ? rng.value() & ~1n : block; // sometimes a device/command that is not a syscall
      m.writePhys(RAM_BASE, words([sd(6, 5, 0), jSelf])); // the code, should a block have overwritten it
      m.setHtif(tohost, fromhost);
      m.reset(RAM_BASE);
      m.setReg(5, tohost);
      m.setReg(6, request);
      m.drainConsole();
      const exit = m.run(3); // returns an exit record: never a trap of the core
      expect(['budget', 'halt', 'console', 'trap']).toContain(exit.reason);
      const wrote = m.drainConsole();
      const isWrite = request === block && inRam(block, 32n) && block >= RAM_BASE + 0x1000n && inRam(tohost, 8n) && exit.reason !== 'halt';
      const clear = block < RAM_BASE + 0x4000n && !(block < tohost + 8n && tohost < block + 32n) && !(fromhost < block + 32n && block < fromhost + 8n);
      if (isWrite && clear && (buf >= RAM_BASE + 0x4000n || !inRam(buf, len))) {
        if (inRam(buf, len)) {
          if (len <= 4000n) {
            expect(m.read64(block), JSON.stringify({ i, tohost: tohost.toString(16), fromhost: fromhost.toString(16), block: block.toString(16), buf: buf.toString(16), exit: exit.reason })).toBe(len);
            expect(wrote).toEqual(m.readPhys(buf, Number(len)));
            served++;
          }
        } else expect(m.read64(block)).toBe(EFAULT);
      }
    }
    expect(served).toBeGreaterThan(150);
  });
});
