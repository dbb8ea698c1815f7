/** The backends dom0 runs for each PV domain (the toolstack's device setup). */
import type { Hypervisor } from '../hypervisor.js';
import type { PvDomain } from '../domain.js';

export class Backends {
  constructor(readonly hv: Hypervisor) {}
  /** Connects a freshly built domain's devices. */
  attach(_d: PvDomain): void {}
}
