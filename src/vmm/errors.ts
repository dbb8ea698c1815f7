/** The errors of the VMM's resource accounting. */

/** A pool of host memory (the frames, the VMM region, one VM's share of it) has no room left. */
export class OutOfMemory extends Error {}
