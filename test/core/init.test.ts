// A new machine's RAM is zero without writing every page at start-up (grown Wasm pages are zero),
// and init on an instance that already has RAM clears it.
import { describe, it, expect } from 'vitest';
import { instantiateCore } from '../../bindings/core.js';

describe('core init', () => {
  it('ram-is-zero-after-init-and-after-a-second-init', async () => {
    const core = await instantiateCore();
    const ramBytes = 1 << 20;
    expect(core.init(BigInt(ramBytes))).toBe(0);
    const ram = () => new Uint8Array(core.memory.buffer, core.ramBase(), ramBytes);
    expect(ram().every((b) => b === 0)).toBe(true);
    ram().fill(0xa5);
    expect(core.init(BigInt(ramBytes))).toBe(0); // no growth this time: the old bytes must go
    expect(ram().every((b) => b === 0)).toBe(true);
    ram().fill(0x5a);
    expect(core.init(BigInt(2 * ramBytes))).toBe(0); // part old, part grown
    expect(new Uint8Array(core.memory.buffer, core.ramBase(), 2 * ramBytes).every((b) => b === 0)).toBe(true);
  });
});
