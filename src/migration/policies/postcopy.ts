/**
 * Post-copy: the guest stops, its state goes, and it resumes on the destination at once with
 * every page not present; pages come as it faults on them, while the rest are pushed.
 */
import type { MigrationPolicy } from './policy.js';

export const postcopy: MigrationPolicy = {
  name: 'postcopy',
  logsDirtyPages: false,
  mayPostcopy: true,
  next: () => 'postcopy',
  rate: (s) => s.options.maxBandwidth,
};
