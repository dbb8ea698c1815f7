/**
 * The parameters a strategy takes (`vmlab compare --set <strategy>.<key>=value`), checked before
 * anything runs, so a typo is an error rather than a run that silently ignores it.
 *
 * - `flood` (trap-emulate, hw-shadow, bt): how many emulated writes to one guest page-table page,
 *   with no walk through it in between, before the shadow stops write-protecting it (write-flood
 *   detection, as KVM's shadow MMU does; default 64). `off` keeps every page-table page protected,
 *   so every page-table write exits: classic trap-and-emulate.
 * - `batch` (pv): the PV kernel's batch size (its command line's batch=N).
 */
import type { StrategyName } from './strategy.js';

/** Emulated writes to a page-table page before it is unprotected, by default. */
export const DEFAULT_FLOOD_WRITES = 64;

type Check = (value: string) => string | undefined;
const wholeNumber: Check = (v) => (/^[1-9]\d{0,8}$/.test(v) ? undefined : 'a whole number from 1');
const flood: Check = (v) => (v === 'off' || !wholeNumber(v) ? undefined : '"off" or a whole number from 1');

const PARAMS: Record<Exclude<StrategyName, 'native'>, Record<string, Check>> = {
  'trap-emulate': { flood },
  'hw-shadow': { flood },
  'hw-nested': {},
  bt: { flood },
  pv: { batch: wholeNumber },
};

/** Why `strategy.key=value` is refused, or undefined when it is a parameter the strategy takes. */
export function strategyParamError(strategy: StrategyName, key: string, value: string): string | undefined {
  if (strategy === 'native') return 'native takes no parameters';
  const check = PARAMS[strategy][key];
  if (!check) {
    const known = Object.keys(PARAMS[strategy]);
    return `${strategy} has no parameter "${key}" (${known.length ? `it takes: ${known.join(', ')}` : 'it takes none'})`;
  }
  const wanted = check(value);
  return wanted && `${strategy}.${key} must be ${wanted}, not "${value}"`;
}

/** The write-flood threshold from a strategy's parameters: Infinity for `flood=off`. */
export function floodWrites(params: Record<string, string> = {}): number {
  const v = params.flood;
  if (v === undefined) return DEFAULT_FLOOD_WRITES;
  return v === 'off' ? Infinity : Number(v);
}
