/**
 * Pre-copy (Clark et al.'s iterative push, QEMU's default): a first round sends every page while
 * the guest runs, each later round the pages dirtied during the one before, until what is left
 * would go within the downtime limit at the bandwidth the link has shown; then stop-and-copy.
 */
import { fitsDowntime, type MigrationPolicy, type Next, type RoundState } from './policy.js';

export const precopy: MigrationPolicy = {
  name: 'precopy',
  logsDirtyPages: true,
  mayPostcopy: false,
  next(s: RoundState): Next {
    if (s.rounds === 0) return 'iterate';
    if (fitsDowntime(s) || s.rounds >= s.options.maxRounds) return 'stop-and-copy';
    return 'iterate';
  },
  rate: (s) => s.options.maxBandwidth,
};
