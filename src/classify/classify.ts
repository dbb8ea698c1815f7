/**
 * The Popek–Goldberg analysis by experiment: each instruction form is run on the laboratory
 * machine in U, S, VU and VS from every variant state with every source operand, and classified
 * from what it did:
 * - privileged: it traps in U (in every run) and does not in S;
 * - control-sensitive: a run that did not trap changed the configuration (privilege, translation,
 *   interrupt enables, trap vectors and delegation, timers, the TLB, or the hart's waiting state);
 * - behaviour-sensitive: what it produced (registers, pc, memory, data CSRs, whether it trapped)
 *   differs between configurations in U or in S, or its effect differs between U and S where it
 *   runs in both;
 * - innocuous: neither.
 * The theorem's condition is "sensitive ⊆ privileged"; a sensitive instruction that does not trap
 * in U is critical.
 */
import type { HartProfile } from '../../bindings/machine.js';
import { Lab, MODES, VARIANTS, type Mode, type Observation } from './lab.js';
import { csrForms, plainForms, type Form } from './forms.js';

export type Traps = 'always' | 'never' | 'sometimes';

export interface Classification {
  name: string;
  traps: Record<Mode, Traps>;
  privileged: boolean;
  controlSensitive: boolean;
  behaviourSensitive: boolean;
  /** sensitive and not trapping in U */
  critical: boolean;
  /** Why it is sensitive: the first evidence of each kind, in words. */
  why: string[];
}

export interface Analysis {
  profile: HartProfile;
  forms: Classification[];
  /** sensitive ⊆ privileged */
  holds: boolean;
  critical: string[];
  runs: number;
}

const ALL = (1n << 64n) - 1n;

/** The forms to classify: every operation of the opcode table, and the CSR forms of every CSR the hart has. */
export function allForms(csrs: number[]): Form[] {
  return [...plainForms(), ...csrs.flatMap(csrForms)];
}

/** Runs every form of `forms` and classifies it. */
export async function analyze(profile: HartProfile, forms?: Form[]): Promise<Analysis> {
  const lab = await Lab.create(profile);
  const list = forms ?? allForms(existingCsrs(lab));
  const out = list.map((f) => classifyForm(lab, f));
  const critical = out.filter((c) => c.critical).map((c) => c.name);
  return { profile, forms: out, holds: critical.length === 0, critical, runs: lab.runs };
}

function existingCsrs(lab: Lab): number[] {
  const out: number[] = [];
  for (let c = 0; c < 4096; c++) if (lab.hasCsr(c)) out.push(c);
  return out;
}

/** Observations of one form: [mode][variant] -> one per (encoding, source) pair, in the same order everywhere. */
function observeAll(lab: Lab, f: Form): Record<Mode, Observation[][]> {
  // Source operands for a register-sourced CSR form: all ones, the CSR's value in the last variant (a legal value), zero.
  const sources = f.sourced && f.csr !== undefined ? [ALL, lab.csrIn(VARIANTS.length - 1, f.csr), 0n] : [0n];
  const out = {} as Record<Mode, Observation[][]>;
  for (const mode of MODES) {
    out[mode] = VARIANTS.map((_, v) => f.encodings.flatMap((insn) => sources.map((s) => lab.observe(f, insn, mode, v, s))));
  }
  return out;
}

export function classifyForm(lab: Lab, f: Form): Classification {
  const obs = observeAll(lab, f);
  const why: string[] = [];
  const traps = {} as Record<Mode, Traps>;
  for (const mode of MODES) {
    const all = obs[mode].flat();
    const n = all.filter((o) => o.trap !== undefined).length;
    traps[mode] = n === all.length ? 'always' : n === 0 ? 'never' : 'sometimes';
  }
  let control = false, behaviour = false;
  for (const mode of ['U', 'S'] as const) {
    const changer = obs[mode].flat().find((o) => o.trap === undefined && o.changed.length > 0);
    if (changer && !control) { control = true; why.push(`changes ${changer.changed.join(', ')} in ${mode}`); }
    // the same run (encoding and source) from different configurations
    const runs = obs[mode][0].length;
    for (let k = 0; k < runs && !behaviour; k++) {
      const results = new Set(obs[mode].map((perVariant) => perVariant[k].outputs));
      if (results.size > 1) { behaviour = true; why.push(`its result depends on the configuration in ${mode}`); }
    }
  }
  for (let v = 0; v < VARIANTS.length && !behaviour; v++) {
    for (let k = 0; k < obs.U[v].length; k++) {
      const u = obs.U[v][k], s = obs.S[v][k];
      if (u.trap === undefined && s.trap === undefined && effect(u) !== effect(s)) {
        behaviour = true;
        why.push('it does something else in U than in S');
        break;
      }
    }
  }
  const privileged = traps.U === 'always' && traps.S !== 'always';
  return { name: f.name, traps, privileged, controlSensitive: control, behaviourSensitive: behaviour, critical: (control || behaviour) && traps.U !== 'always', why };
}

const effect = (o: Observation): string => `${o.outputs} | ${o.changed.join(',')}`;
