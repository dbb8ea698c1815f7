/**
 * The counters of a machine as labelled rows: what `vmlab run --stats` prints and the demo page
 * shows live. Plain strings, so a terminal table and a web page render the same rows.
 */
import type { Machine } from '../../bindings/machine.js';

/** One line of a statistics table: a label and its formatted value. */
export type StatRow = [label: string, value: string];

const n = (v: bigint | number): string => v.toLocaleString('en-US');
const ACCESS_TYPES = ['read', 'write', 'fetch'];

/**
 * Instructions (per privilege mode), MIPS, exceptions and interrupts, TLB hits and misses per
 * access type, page walks and their references, TLB flushes, walk caches, the decoded-instruction
 * cache and device accesses; the guest (V=1) and per-VMID TLB counters when a guest ran.
 * `instructions` and `seconds` are those of the run being reported (for MIPS).
 */
export function machineStats(machine: Machine, run: { instructions: bigint; seconds: number }): StatRow[] {
  const c = machine.counters() as Record<string, bigint & bigint[]>;
  const rows: StatRow[] = [];
  const mips = run.seconds > 0 ? Number(run.instructions) / run.seconds / 1e6 : 0;
  rows.push(['instructions', n(c.instret)], ['seconds', run.seconds.toFixed(3)], ['MIPS', mips.toFixed(1)]);
  const byMode = c.instretByMode as unknown as bigint[];
  rows.push(['  in M / S (HS) / U', `${n(byMode[3])} / ${n(byMode[1])} / ${n(byMode[0])}`]);
  if (byMode[4] + byMode[5] > 0n) rows.push(['  in VS / VU', `${n(byMode[5])} / ${n(byMode[4])}`]);
  const to = c.trapsTo as unknown as bigint[];
  rows.push(['exceptions', n(c.exceptions)], ['interrupts', n(c.interrupts)], ['traps taken into M / HS / VS', `${n(to[0])} / ${n(to[1])} / ${n(to[2])}`]);
  for (let i = 0; i < 3; i++) {
    const hits = (c.tlbHits as unknown as bigint[])[i], misses = (c.tlbMisses as unknown as bigint[])[i];
    const rate = hits + misses > 0n ? ` (${((Number(misses) / Number(hits + misses)) * 100).toFixed(2)}% miss)` : '';
    rows.push([`TLB ${ACCESS_TYPES[i]} hits / misses`, `${n(hits)} / ${n(misses)}${rate}`]);
  }
  const walks = c.walks as unknown as bigint;
  rows.push(['page walks', n(walks)], ['walk memory refs', `${n(c.walkRefs)}${walks > 0n ? ` (${(Number(c.walkRefs) / Number(walks)).toFixed(2)} per walk)` : ''}`]);
  rows.push(['TLB flushes all / asid / page', `${n(c.tlbFlushAll)} / ${n(c.tlbFlushAsid)} / ${n(c.tlbFlushPage)}`]);
  if (c.tlbHitsVirt + c.tlbMissesVirt > 0n) {
    rows.push(['  guest (V=1) TLB hits / misses', `${n(c.tlbHitsVirt)} / ${n(c.tlbMissesVirt)}`]);
    rows.push(['  HFENCE.VVMA / HFENCE.GVMA / switch flushes', `${n(c.tlbFlushVvma)} / ${n(c.tlbFlushGvma)} / ${n(c.tlbFlushSwitch)}`]);
    rows.push(['  of the walk refs: G-stage', n(c.walkRefsG)]);
    const [hits, misses, flushes] = ['vmidTlbHits', 'vmidTlbMisses', 'vmidTlbFlushes'].map((k) => c[k] as unknown as bigint[]);
    for (let v = 0; v < 16; v++) {
      if (hits[v] + misses[v] > 0n) rows.push([`  VMID ${v} (mod 16): hits / misses / flushes`, `${n(hits[v])} / ${n(misses[v])} / ${n(flushes[v])}`]);
    }
  }
  rows.push(['TLB evictions', n(c.tlbEvictions)], ['page faults', n(c.pageFaults)]);
  rows.push(['walk caches: PWC hits / misses, NTLB hits / misses', `${n(c.pwcHits)} / ${n(c.pwcMisses)}, ${n(c.ntlbHits)} / ${n(c.ntlbMisses)}`]);
  rows.push(['decoded instructions / pages', `${n(c.decodes)} / ${n(c.decodedPages)}`], ['stores to decoded code', n(c.codeWrites)]);
  rows.push(['device accesses', n(c.mmio)]);
  return rows;
}
