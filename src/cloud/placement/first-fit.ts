/** First fit: the first host, in the order the trace lists them, with room for the instance. */
import type { PlacementPolicy } from './policy.js';

export const firstFit: PlacementPolicy = { name: 'first-fit', choose: (_t, fitting) => fitting[0] };
