/** Pure stop-and-copy: the guest stops at once and every page goes while it is stopped. */
import type { MigrationPolicy } from './policy.js';

export const stopAndCopy: MigrationPolicy = {
  name: 'stop-and-copy',
  logsDirtyPages: false,
  mayPostcopy: false,
  next: () => 'stop-and-copy',
  rate: (s) => s.options.maxBandwidth,
};
