/**
 * A VM's hart context (world-switch.ts) as a migration record, and back: registers, pc, privilege
 * and V, and the CSRs the guest owns — exactly those, every one checked.
 */
import { HartContext } from './world-switch.js';
import { MigrationStateError, type StateReader, type StateRecord } from './state-reader.js';

export function hartContextState(c: HartContext): StateRecord {
  return {
    regs: [...c.regs], pc: c.pc, priv: c.priv, virt: c.virt,
    csrs: Object.fromEntries(c.owned.map((k) => [String(k), c.csrs.get(k) ?? 0n])),
  };
}

/** A context owning `owned`, from hartContextState's record; `modes` lists the (priv, virt) pairs the strategy runs guests in. */
export function hartContextFrom(r: StateReader, owned: readonly number[], modes: readonly [number, boolean][]): HartContext {
  const regs = r.u64s('regs', 32);
  const priv = r.int('priv', 0, 3), virt = r.bool('virt');
  if (!modes.some(([p, v]) => p === priv && v === virt)) throw new MigrationStateError(`${r.what}: privilege ${priv} with V=${virt} is not a mode this strategy runs guests in`);
  const c = new HartContext(owned, r.u64('pc'), priv, virt);
  c.regs = regs;
  c.regs[0] = 0n;
  for (const [k, v] of r.u64Map('csrs', owned)) c.csrs.set(k, v);
  return c;
}
