/** The counters of one VM's run under a strategy as labelled rows (`vmlab run --vmm --stats`, the demo page). */
import type { Machine } from '../../bindings/machine.js';
import type { StatRow } from '../machine/stats.js';
import type { Vm } from './vm.js';

const n = (v: number | bigint): string => v.toLocaleString('en-US');

/** Guest instructions, exits by kind (largest first), the VMM's work and the walks of the run, then a strategy's own `details` (bt's translation counters). */
export function vmStats(machine: Machine, vm: Vm, seconds: number, details: [string, number][] = []): StatRow[] {
  const c = machine.counters();
  const s = vm.stats;
  const rows: StatRow[] = [['guest instructions', n(machine.instructions)], ['seconds', seconds.toFixed(3)], ['exits', n(s.totalExits)]];
  for (const [kind, count] of [...s.exits].sort((a, b) => b[1] - a[1])) rows.push([`  ${kind}`, n(count)]);
  rows.push(['instructions emulated', n(s.emulated)], ['traps reflected into the guest', n(s.reflected)]);
  rows.push(['guest page-table writes trapped', n(s.ptWrites)], ['hidden faults (shadow fills)', n(s.hiddenFaults)]);
  rows.push(['shadow PTE updates', n(s.shadowUpdates)], ['guest PTEs read by the VMM', n(s.guestWalkRefs)], ['TLB flushes by the VMM', n(s.vmmFlushes)]);
  if (s.validatedPtes) rows.push(['guest PTEs validated (PV mmu_update)', n(s.validatedPtes)]);
  rows.push(['world switches', n(s.switches)], ['shadow reclaims (VMM pool full)', n(s.shadowReclaims)], ['VMM pages used (peak / reserved)', `${n(vm.vmm.peak)} / ${n(vm.vmm.pages)}`]);
  rows.push(['console bytes (kept / dropped)', `${n(vm.consoleLog.total - vm.consoleLog.dropped)} / ${n(vm.consoleLog.dropped)}`]);
  rows.push(['page walks / references', `${n(c.walks as bigint)} / ${n(c.walkRefs as bigint)} (G-stage ${n(c.walkRefsG as bigint)})`]);
  if (s.translated) rows.push(['guest instructions translated', n(s.translated)]);
  for (const [what, count] of details) rows.push([what, n(count)]);
  return rows;
}
