/**
 * Scheduler parameters as data: each scheduler declares its host-wide and per-VM parameters with
 * Xen's default and where the default comes from, and scenario files are checked against these
 * declarations, so a bad value is refused with the path of the field that holds it.
 */

/** A scenario (or trace) that cannot be run; the message names the field. */
export class ScenarioError extends Error {}

export interface ParamSpec {
  /** Xen's default. */
  default: number | boolean;
  /** `int` and `number` are checked against min/max; a name ending in Ms or Us says the unit. */
  kind: 'int' | 'number' | 'bool';
  min?: number;
  max?: number;
  /** Where the default comes from (a Xen source file or a paper). */
  source: string;
  about: string;
}
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;
export type Params = Readonly<Record<string, number | boolean>>;

/** The defaults of `specs`. */
export function defaults(specs: ParamSpecs): Params {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
}

/** `raw` (an object from a scenario file, or undefined) checked against `specs`, defaults filled in. */
export function readParams(specs: ParamSpecs, raw: unknown, path: string): Params {
  if (raw === undefined) return defaults(specs);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(`${path}: must be an object of parameters`);
  const out: Record<string, number | boolean> = { ...defaults(specs) };
  for (const [key, value] of Object.entries(raw)) {
    const spec = specs[key];
    if (!spec) throw new ScenarioError(`${path}.${key}: unknown parameter (known: ${Object.keys(specs).join(', ') || 'none'})`);
    out[key] = checkValue(spec, value, `${path}.${key}`);
  }
  return out;
}

function checkValue(spec: ParamSpec, value: unknown, path: string): number | boolean {
  if (spec.kind === 'bool') {
    if (typeof value !== 'boolean') throw new ScenarioError(`${path}: must be true or false, not ${JSON.stringify(value)}`);
    return value;
  }
  const range = `${spec.min ?? '-∞'}..${spec.max ?? '∞'}`;
  const ok = typeof value === 'number' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value)) &&
    value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity);
  if (!ok) throw new ScenarioError(`${path}: must be ${spec.kind === 'int' ? 'an integer' : 'a number'} in ${range}, not ${JSON.stringify(value)}`);
  return value as number;
}

/** A numeric parameter (the scheduler declared it `int` or `number`). */
export const num = (p: Params, key: string): number => p[key] as number;

