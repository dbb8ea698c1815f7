/**
 * The bill: every instance pays its type's hourly price for each hour it was running, a started
 * hour counting as a whole one (EC2's rule until 2017), and its share of the traffic fees. Amounts
 * are kept in millionths of a dollar, so that a sum of prices is exact.
 */
export const MICRO = 1_000_000;
const HOUR_S = 3600;

/** Hours billed for running from `startS` to `endS` (seconds): every started hour, at least one. */
export function billedHours(startS: number, endS: number): number {
  return Math.max(1, Math.ceil((endS - startS) / HOUR_S));
}

/** Dollars to millionths of a dollar (exact for prices with up to six decimals). */
export const micro = (dollars: number): number => Math.round(dollars * MICRO);

export interface BillLine {
  instance: string;
  type: string;
  os: string;
  zone: string;
  startS: number;
  endS: number;
  hours: number;
  /** Per hour, compute, traffic and all (µ$). */
  rate: number;
  compute: number;
  traffic: number;
  total: number;
}

export function billLine(l: Omit<BillLine, 'hours' | 'compute' | 'total'>): BillLine {
  const hours = billedHours(l.startS, l.endS);
  const compute = hours * l.rate;
  return { ...l, hours, compute, total: compute + l.traffic };
}

export const dollars = (µ: number): string => `$${(µ / MICRO).toFixed(µ % 10_000 === 0 ? 2 : 4)}`;
