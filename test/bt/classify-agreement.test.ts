// The translator and the analyzer agree: every instruction the translator copies unchanged into the
// translation cache (IDENT) is one the Popek–Goldberg analyzer finds not sensitive, in both
// profiles, and every sensitive one is rewritten (an emulation or a callout).
import { describe, it, expect, beforeAll } from 'vitest';
import { Machine } from '../../bindings/machine.js';
import { analyze } from '../../src/classify/classify.js';
import { plainForms, csrForms } from '../../src/classify/forms.js';
import { translate } from '../../src/bt/translator.js';

const PC = 0x8020_1000n;
let expand: (c: number) => number;
beforeAll(async () => { const m = await Machine.create({ ramBytes: 1 << 16 }); expand = (c) => m.expandCompressed(c); });

/** Whether the translator copies `insn` unchanged (it is in the unit's words, and no callout stands for it). */
function copied(insn: number): boolean {
  const bytes = new Uint8Array(new Uint32Array([insn]).buffer);
  const t = translate(PC, (va) => (va - PC < 4n && va >= PC ? bytes[Number(va - PC)] | (bytes[Number(va - PC) + 1] << 8) : { cause: 12, tval: va }), expand, () => 'ident');
  if (!t.ok) throw new Error('fault');
  return t.unit.words.includes(insn) && !t.unit.sites.some(([, s]) => s.guestPc === PC && s.kind !== 'chain');
}

describe('IDENT only for what is innocuous', () => {
  const forms = () => [...plainForms(), ...[0x100, 0x105, 0x140, 0x141, 0x180, 0xc00, 0xc01, 0xc02, 0x300].flatMap(csrForms)];
  for (const profile of ['standard', 'critical'] as const) {
    it(profile, async () => {
      const a = await analyze(profile, forms());
      const ident = forms().filter((f) => f.encodings.every(copied)).map((f) => f.name);
      const sensitive = a.forms.filter((c) => c.controlSensitive || c.behaviourSensitive).map((c) => c.name);
      expect(ident.filter((n) => sensitive.includes(n))).toEqual([]);
      expect(ident).toContain('addi');
      expect(ident).toContain('csrr time');
      expect(sensitive).toContain('csrr sstatus');
    }, 30_000);
  }
});
