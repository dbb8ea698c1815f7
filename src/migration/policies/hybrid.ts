/**
 * Hybrid: a few pre-copy rounds (hybridRounds), so most pages are there already, then post-copy
 * for what is still dirty (QEMU's postcopy-after-precopy). If pre-copy converges first, it simply
 * finishes with a stop-and-copy.
 */
import { fitsDowntime, type MigrationPolicy, type Next } from './policy.js';

export const hybrid: MigrationPolicy = {
  name: 'hybrid',
  logsDirtyPages: true,
  mayPostcopy: true,
  next(s): Next {
    if (s.rounds === 0) return s.options.hybridRounds === 0 ? 'postcopy' : 'iterate';
    if (fitsDowntime(s)) return 'stop-and-copy';
    return s.rounds >= s.options.hybridRounds ? 'postcopy' : 'iterate';
  },
  rate: (s) => s.options.maxBandwidth,
};
