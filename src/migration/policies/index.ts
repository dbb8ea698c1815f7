/** The policies by name. */
import type { PolicyName } from '../options.js';
import type { MigrationPolicy } from './policy.js';
import { precopy } from './precopy.js';
import { stopAndCopy } from './stop-and-copy.js';
import { postcopy } from './postcopy.js';
import { hybrid } from './hybrid.js';
import { xen } from './xen.js';

export const POLICY: Record<PolicyName, MigrationPolicy> = { precopy, 'stop-and-copy': stopAndCopy, postcopy, hybrid, xen };
export type { MigrationPolicy, RoundState, Next } from './policy.js';
