/**
 * The knobs of a migration, named as QEMU and Xen users know them, with their defaults:
 * downtime-limit 300 ms and max-bandwidth 128 MiB/s (QEMU's defaults), auto-converge off, and
 * when on, a throttle of 20% that grows by 10% per step (QEMU's cpu-throttle-initial and
 * -increment). Bad values are refused with a message naming the knob.
 */
export const POLICIES = ['precopy', 'stop-and-copy', 'postcopy', 'hybrid', 'xen'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface MigrationOptions {
  policy: PolicyName;
  /** Switch over when the bytes left divided by the measured bandwidth fall below this (ms). */
  downtimeLimitMs: number;
  /** Rate limit of the stream (bytes per second of wall time). */
  maxBandwidth: number;
  /** Throttle the guest's vCPU while it dirties memory faster than the link sends it. */
  autoConverge: boolean;
  /** First throttle step and the increment of each further one (percent of vCPU time taken away). */
  throttleInitial: number;
  throttleIncrement: number;
  /** Most pre-copy rounds before the stop (precopy and hybrid; Xen's preset has its own 30). */
  maxRounds: number;
  /** hybrid: pre-copy rounds before switching to post-copy. */
  hybridRounds: number;
  /** Send all-zero pages as their numbers only (QEMU's zero pages). */
  zeroPages: boolean;
  /** Guest instructions per slice between two looks at the link. */
  sliceInstructions: number;
  /** A wait for the destination's answer fails when nothing arrives for this long (ms). */
  stallTimeoutMs: number;
}

export const DEFAULT_OPTIONS: MigrationOptions = {
  policy: 'precopy',
  downtimeLimitMs: 300,
  maxBandwidth: 128 * 1024 * 1024,
  autoConverge: false,
  throttleInitial: 20,
  throttleIncrement: 10,
  maxRounds: 1000,
  hybridRounds: 2,
  zeroPages: true,
  sliceInstructions: 200_000,
  stallTimeoutMs: 10_000,
};

export class OptionError extends Error {}

/** Defaults overridden by `o`, every value checked. */
export function migrationOptions(o: Partial<MigrationOptions> = {}): MigrationOptions {
  const m = { ...DEFAULT_OPTIONS, ...o };
  if (!POLICIES.includes(m.policy)) throw new OptionError(`unknown policy "${m.policy}" (known: ${POLICIES.join(', ')})`);
  const positive = (k: keyof MigrationOptions, max = Number.MAX_SAFE_INTEGER) => {
    const v = m[k] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) throw new OptionError(`${k} must be a positive number up to ${max}, not ${String(v)}`);
  };
  positive('downtimeLimitMs');
  positive('maxBandwidth');
  positive('throttleInitial', 99);
  positive('throttleIncrement', 99);
  positive('maxRounds');
  positive('sliceInstructions', 0x7fff_ffff);
  positive('stallTimeoutMs');
  if (!Number.isInteger(m.hybridRounds) || m.hybridRounds < 0) throw new OptionError(`hybridRounds must be a non-negative integer, not ${m.hybridRounds}`);
  return m;
}
