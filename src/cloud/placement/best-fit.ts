/**
 * Best fit: the host the instance fills most tightly, the least memory left after it (then the
 * fewest compute units left, then the trace's order). It packs small instances onto hosts already
 * in use and keeps empty ones whole for large instances, which first fit scatters small ones over.
 */
import type { PlacementPolicy } from './policy.js';

export const bestFit: PlacementPolicy = {
  name: 'best-fit',
  choose: (t, fitting) => {
    let best = fitting[0];
    const left = (h: typeof best) => [h.memoryGb - h.usedMemoryGb - t.memoryGb, h.ecu - h.usedEcu - t.ecu];
    for (const h of fitting.slice(1)) {
      const [m, e] = left(h), [bm, be] = left(best);
      if (m < bm - 1e-9 || (Math.abs(m - bm) <= 1e-9 && e < be - 1e-9)) best = h;
    }
    return best;
  },
};
