// A bad scenario is refused before anything runs, with the path of the field that is wrong.
import { describe, it, expect } from 'vitest';
import { readScenario } from '../../src/sched/scenario.js';

const vm = { name: 'a', bootargs: 'compute=1000' };
const bad: [string, unknown, RegExp][] = [
  ['not an object', [], /^scenario: must be an object/],
  ['an unknown top-level field', { vms: [vm], pcpu: 2 }, /^scenario\.pcpu: unknown field/],
  ['no VMs', { vms: [] }, /^vms: must be a non-empty array/],
  ['zero pCPUs', { pcpus: 0, vms: [vm] }, /^pcpus: must be a number in 1\.\.64, not 0/],
  ['an unknown scheduler', { scheduler: 'cfs', vms: [vm] }, /^scheduler\.name: unknown scheduler "cfs" \(known: rr, bvt, sedf, credit, arinc653\)/],
  ['a weight of 0', { vms: [vm, { ...vm, name: 'b', sched: { weight: 0 } }] }, /^vms\[1\]\.sched\.weight: must be an integer in 1\.\.65535, not 0/],
  ['a parameter of another scheduler', { vms: [{ ...vm, sched: { sliceMs: 3 } }] }, /^vms\[0\]\.sched\.sliceMs: unknown parameter \(known: weight, cap\)/],
  ['a host parameter out of range', { scheduler: { name: 'credit', params: { tsliceMs: 0 } }, vms: [vm] }, /^scheduler\.params\.tsliceMs: must be an integer in 1\.\.1000/],
  ['an unknown strategy', { vms: [{ ...vm, strategy: 'bt2' }] }, /^vms\[0\]\.strategy: unknown strategy "bt2"/],
  ['missing boot arguments', { vms: [{ name: 'a' }] }, /^vms\[0\]\.bootargs: must be a non-empty string \(missing\)/],
  ['two VMs of one name', { vms: [vm, vm] }, /^vms: two VMs are named "a"/],
  ['too little memory for minios', { vms: [{ ...vm, memMiB: 16 }] }, /^vms\[0\]\.memMiB: must be a number in 32\.\.1024/],
  ['a slice longer than the period (sEDF)', { scheduler: 'sedf', vms: [{ ...vm, sched: { periodMs: 10, sliceMs: 20 } }] }, /^vms\[0\]\.sched\.sliceMs: the slice \(20 ms\) is longer than the period/],
  ['an ARINC 653 table Xen refuses', { scheduler: { name: 'arinc653', schedule: { majorFrameMs: 5, frames: [{ vm: 'a', runtimeMs: 6 }] } }, vms: [vm] }, /^scheduler\.schedule: refused as Xen refuses it \(EINVAL\): the minor frames \(6 ms in all\) do not fit/],
  ['a bad walk cache', { hardware: { walkCaches: 'l2' }, vms: [vm] }, /^hardware\.walkCaches: unknown walk cache "l2"/],
];

describe('scenario files', () => {
  for (const [what, raw, message] of bad) {
    it(`refuses ${what}, naming the field`, () => { expect(() => readScenario(raw)).toThrow(message); });
  }

  it('fills in Xen\'s defaults', () => {
    const s = readScenario({ vms: [vm, { name: 'b', bootargs: 'sleep=1', count: 2 }] });
    expect(s.pcpus).toBe(1);
    expect(s.scheduler.kind.name).toBe('credit');
    expect(s.scheduler.params).toEqual({ tsliceMs: 30, ratelimitUs: 1000, migrationDelayUs: 0, boost: true });
    expect(s.vms.map((v) => [v.name, v.strategy, v.sched.weight, v.sched.cap])).toEqual([['a', 'hw-nested', 256, 0], ['b1', 'hw-nested', 256, 0], ['b2', 'hw-nested', 256, 0]]);
  });
});
