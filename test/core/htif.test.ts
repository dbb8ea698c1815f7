// HTIF through tohost/fromhost: console output (device 1), the syscall block (write, exit), and
// exit codes. The store is matched by its physical address, so it may come through any mapping.
import { describe, it, expect } from 'vitest';
import { machineWith, RAM_BASE } from '../helpers/machine.js';
import { addi, sd, I, U } from '../helpers/encode.js';

const auipc = U(0x17);
const slli = (rd: number, rs: number, sh: number) => I(1, 0x13)(rd, rs, sh);
const TOHOST = RAM_BASE + 0x1000n, FROMHOST = RAM_BASE + 0x1008n, BLOCK = RAM_BASE + 0x1100n, BUF = RAM_BASE + 0x1200n;

describe('HTIF', () => {
  it('serves console putchar, a write syscall and the exit code; the host clears tohost and answers in fromhost', async () => {
    const m = await machineWith([
      auipc(5, 1), // t0 = tohost
      addi(6, 0, 0x101), slli(6, 6, 48), addi(6, 6, 0x48), sd(6, 5, 0), // tohost = device 1, putchar 'H'
      addi(7, 5, 0x100), sd(7, 5, 0), // tohost = syscall block
      addi(28, 0, 15), sd(28, 5, 0), // tohost = (7 << 1) | 1: exit 7
    ]);
    m.setHtif(TOHOST, FROMHOST);
    for (const [i, v] of [64n, 1n, BUF, 5n].entries()) m.write64(BLOCK + BigInt(i * 8), v);
    m.writePhys(BUF, new TextEncoder().encode('hello'));
    const e = m.run(1000);
    expect(e.reason).toBe('halt');
    expect(e.code).toBe(7);
    expect(new TextDecoder().decode(m.drainConsole())).toBe('Hhello');
    expect(m.read64(BLOCK)).toBe(5n); // write returned its length
    expect(m.read64(FROMHOST)).toBe(1n);
  });

  it('without tohost symbols, stores to that memory are plain stores', async () => {
    const m = await machineWith([auipc(5, 1), addi(28, 0, 15), sd(28, 5, 0), addi(10, 0, 1)]);
    expect(m.run(4).reason).toBe('budget');
    expect(m.read64(TOHOST)).toBe(15n);
  });
});
