/**
 * multicall: a batch of hypercalls described in the caller's memory (struct multicall_entry
 * { op, result, args[6] }), carried out in order, each entry's result written back into it. A
 * failing entry does not stop the batch, as in Xen; a multicall inside a multicall is refused, and
 * a domain that shut itself down runs nothing more.
 */
import type { Caller, Hypervisor } from './hypervisor.js';
import { Fields } from './guest-access.js';
import { err, MULTICALL_ENTRY_SIZE } from './abi.js';

/** The most entries one multicall may carry (Xen bounds a batch by preemption; here by count). */
export const MAX_MULTICALL_ENTRIES = 512;

/** HYPERVISOR_multicall(call_list, nr_calls). */
export function multicall(hv: Hypervisor, caller: Caller, [list, nr]: bigint[]): number {
  if (caller.inMulticall) return err('EINVAL');
  if (nr > BigInt(MAX_MULTICALL_ENTRIES)) return err('EINVAL');
  const n = Number(nr);
  const bytes = caller.access.read(list, n * MULTICALL_ENTRY_SIZE);
  if (!bytes) return err('EFAULT');
  const calls = new Fields(bytes);
  const inner: Caller = { ...caller, inMulticall: true };
  for (let i = 0; i < n; i++) {
    const at = i * MULTICALL_ENTRY_SIZE;
    const args = [0, 1, 2, 3, 4, 5].map((k) => calls.u64(at + 16 + 8 * k));
    const op = calls.u64(at);
    const result = op > 0xffffn ? err('ENOSYS') : hv.hypercall(inner, Number(op), args);
    const out = new Fields(new Uint8Array(8)).setU64(0, BigInt(result));
    if (!caller.access.write(list + BigInt(at + 8), out.bytes)) return err('EFAULT');
    if (caller.domain?.shutdownCode !== undefined) break;
  }
  return 0;
}
