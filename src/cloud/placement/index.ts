/** The placement policies a trace can name. */
import type { PlacementPolicy } from './policy.js';
import { firstFit } from './first-fit.js';
import { bestFit } from './best-fit.js';

export const PLACEMENTS: readonly PlacementPolicy[] = [firstFit, bestFit];
export type { PlacementPolicy };
