/**
 * Xen's pre-copy (xc_domain_save, as Clark et al. describe it): the rate starts at 100 Mbit/s and
 * rises by 50 Mbit/s each round up to 500; pre-copy stops after 30 rounds, when fewer than 50
 * pages are dirty, or once three times the guest's RAM has been sent (max_iters, the 50-page
 * threshold, max_factor = 3). There is no downtime limit in this preset.
 */
import type { MigrationPolicy, Next } from './policy.js';

const MBIT = 1_000_000 / 8;
export const XEN = { firstRate: 100 * MBIT, step: 50 * MBIT, maxRate: 500 * MBIT, maxRounds: 30, fewPages: 50, maxFactor: 3 };

export const xen: MigrationPolicy = {
  name: 'xen',
  logsDirtyPages: true,
  mayPostcopy: false,
  next(s): Next {
    if (s.rounds === 0) return 'iterate';
    if (s.rounds >= XEN.maxRounds || s.dirtyPages < XEN.fewPages || s.pagesSent >= XEN.maxFactor * s.ramPages) return 'stop-and-copy';
    return 'iterate';
  },
  rate: (s) => Math.min(XEN.firstRate + s.rounds * XEN.step, XEN.maxRate),
};
