/** The analyzer's report: the counts of each class, the sensitive forms (CSR forms grouped per CSR), the theorem's check. */
import Table from 'cli-table3';
import type { Analysis, Classification, Traps } from './classify.js';
import { MODES } from './lab.js';

const sensitive = (c: Classification) => c.controlSensitive || c.behaviourSensitive;
const kinds = (c: Classification) => [c.controlSensitive ? 'control' : '', c.behaviourSensitive ? 'behaviour' : ''].filter(Boolean).join(', ');

interface Row { name: string; traps: Record<string, Traps | 'mixed'>; privileged: string; kinds: string; why: string }

function rowOf(f: Classification): Row {
  const privileged = f.critical ? 'no: critical' : f.privileged ? 'yes' : f.traps.U === 'always' ? 'traps everywhere' : 'no';
  return { name: f.name, traps: { ...f.traps }, privileged, kinds: kinds(f) || '—', why: f.why.join('; ') };
}

/** One row per form, or (grouped) one per CSR for its forms that are alike: same traps, same classes. */
function rows(forms: Classification[], group: boolean): Row[] {
  if (!group) return forms.map(rowOf);
  const out: Row[] = [];
  const byKey = new Map<string, { row: Row; forms: string[] }>();
  for (const f of forms) {
    const row = rowOf(f);
    const [form, csr] = f.name.split(' ');
    if (csr === undefined) { out.push(row); continue; }
    const key = [csr, JSON.stringify(row.traps), row.privileged, row.kinds].join('|');
    let g = byKey.get(key);
    if (!g) { g = { row, forms: [] }; byKey.set(key, g); out.push(row); }
    g.forms.push(form);
    g.row.name = `${csr} (${g.forms.join(', ')})`;
  }
  return out;
}

export function renderAnalysis(a: Analysis, all: boolean): string {
  const count = (p: (c: Classification) => boolean) => a.forms.filter(p).length.toLocaleString('en-US');
  const lines = [
    `vmlab classify: the ${a.profile} profile; ${a.forms.length.toLocaleString('en-US')} instruction forms (CSR instructions per CSR), ` +
      `${a.runs.toLocaleString('en-US')} runs in ${MODES.join(', ')} from 3 machine states`,
    `  privileged (traps in U, runs in S): ${count((c) => c.privileged)}   control-sensitive: ${count((c) => c.controlSensitive)}   ` +
      `behaviour-sensitive: ${count((c) => c.behaviourSensitive)}   innocuous: ${count((c) => !sensitive(c) && c.traps.U !== 'always')}   ` +
      `traps in every mode: ${count((c) => MODES.every((m) => c.traps[m] === 'always'))}`,
  ];
  const t = new Table({ head: ['instruction', ...MODES.map((m) => `traps in ${m}`), 'privileged', 'sensitive', 'evidence'], style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const r of rows(all ? a.forms : a.forms.filter(sensitive), !all)) t.push([r.name, ...MODES.map((m) => r.traps[m]), r.privileged, r.kinds, r.why]);
  lines.push(all ? 'every form:' : 'the sensitive instructions:', t.toString());
  if (a.holds) lines.push('Popek–Goldberg: sensitive ⊆ privileged holds: every sensitive instruction traps in U, so trap-and-emulate can virtualize this hart.');
  else {
    lines.push(`Popek–Goldberg: sensitive ⊆ privileged FAILS: ${a.critical.length} critical instructions (sensitive, and they do not trap in U):`);
    for (const name of a.critical) lines.push(`  ${name}: ${a.forms.find((f) => f.name === name)!.why.join('; ')}`);
  }
  return lines.join('\n');
}
