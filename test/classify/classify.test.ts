// The Popek–Goldberg analyzer classifies by experiment on the core: a chosen set of instructions
// pinned in both profiles, and the theorem's check over every form (the bar: no critical
// instruction in the standard profile, exactly the profile's in the critical one).
import { describe, it, expect } from 'vitest';
import { analyze, allForms, type Classification } from '../../src/classify/classify.js';
import { csrForms, plainForms } from '../../src/classify/forms.js';
import type { HartProfile } from '../../bindings/machine.js';

const CHOSEN = ['addi', 'auipc', 'jal', 'ld', 'sd', 'amoswap.d', 'ecall', 'mret', 'sret', 'wfi', 'sfence.vma', 'hlv.d'];
const CSRS = [0x100, 0x105, 0x140, 0x180, 0xc01]; // sstatus, stvec, sscratch, satp, time
const PICKED = ['csrr sstatus', 'csrw sstatus', 'csrrsi sstatus', 'csrr stvec', 'csrw stvec', 'csrr satp', 'csrw satp', 'csrr sscratch', 'csrw sscratch', 'csrr time', 'csrw time'];

/** [traps in U, traps in S, privileged, control-sensitive, behaviour-sensitive, critical] */
const summary = (c: Classification) => [c.traps.U, c.traps.S, c.privileged, c.controlSensitive, c.behaviourSensitive, c.critical];

async function chosen(profile: HartProfile): Promise<Record<string, unknown[]>> {
  const forms = [...plainForms().filter((f) => CHOSEN.includes(f.name)), ...CSRS.flatMap(csrForms).filter((f) => PICKED.includes(f.name))];
  const a = await analyze(profile, forms);
  return Object.fromEntries(a.forms.map((c) => [c.name, summary(c)]));
}

const STANDARD: Record<string, unknown[]> = {
  addi: ['never', 'never', false, false, false, false],
  auipc: ['never', 'never', false, false, false, false],
  jal: ['never', 'never', false, false, false, false],
  ld: ['never', 'never', false, false, false, false], // relocated frames, same contents: the same value
  sd: ['never', 'never', false, false, false, false],
  'amoswap.d': ['never', 'never', false, false, false, false],
  ecall: ['always', 'always', false, false, false, false], // traps everywhere: the VMM always gets it
  mret: ['always', 'always', false, false, false, false],
  sret: ['always', 'never', true, true, false, false],
  wfi: ['always', 'never', true, true, false, false],
  'sfence.vma': ['always', 'never', true, true, false, false],
  'hlv.d': ['always', 'never', true, false, false, false],
  'csrr sstatus': ['always', 'never', true, false, true, false],
  'csrw sstatus': ['always', 'never', true, true, false, false],
  'csrrsi sstatus': ['always', 'never', true, true, true, false],
  'csrr stvec': ['always', 'never', true, false, true, false],
  'csrw stvec': ['always', 'never', true, true, false, false],
  'csrr satp': ['always', 'never', true, false, true, false],
  'csrw satp': ['always', 'never', true, true, false, false],
  'csrr sscratch': ['always', 'never', true, false, false, false], // privileged but not sensitive: plain data
  'csrw sscratch': ['always', 'never', true, false, false, false],
  'csrr time': ['never', 'never', false, false, false, false],
  'csrw time': ['always', 'always', false, false, false, false], // read-only
};

describe('the analyzer on a chosen set of instructions', () => {
  it('the standard profile', async () => {
    expect(await chosen('standard')).toEqual(STANDARD);
  }, 20_000);

  it('the critical profile: the sstatus accesses and the stvec/satp reads run in U, and are critical', async () => {
    expect(await chosen('critical')).toEqual({
      ...STANDARD,
      'csrr sstatus': ['never', 'never', false, false, true, true],
      'csrw sstatus': ['never', 'never', false, true, true, true], // changes mstatus in S, nothing in U: POPF
      'csrrsi sstatus': ['never', 'never', false, true, true, true],
      'csrr stvec': ['never', 'never', false, false, true, true],
      'csrr satp': ['never', 'never', false, false, true, true],
    });
  }, 20_000);
});

describe('the theorem over every instruction form', () => {
  it('every CSR the hart has gets its eight forms, every operation of the table one', async () => {
    const forms = allForms([0x100, 0x180]);
    expect(forms.filter((f) => f.csr === 0x100).map((f) => f.name)).toEqual(
      ['csrr', 'csrw', 'csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci'].map((n) => `${n} sstatus`));
    expect(forms.filter((f) => f.csr === undefined).length).toBe(107); // the table's 113 real operations but the six CSR instructions
  });

  it('standard: sensitive ⊆ privileged holds; critical: it fails on exactly the profile\'s instructions', async () => {
    const standard = await analyze('standard');
    expect(standard.holds).toBe(true);
    expect(standard.critical).toEqual([]);
    const critical = await analyze('critical');
    expect(critical.holds).toBe(false);
    expect(critical.critical).toEqual([
      'csrr sstatus', 'csrw sstatus', 'csrrw sstatus', 'csrrs sstatus', 'csrrc sstatus', 'csrrwi sstatus', 'csrrsi sstatus', 'csrrci sstatus',
      'csrr stvec', 'csrr satp',
    ]);
    expect(critical.forms.length).toBe(standard.forms.length);
  }, 60_000);
});
