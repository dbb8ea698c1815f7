/**
 * Paravirtualization (`vmlab/pv`): the Xen-style hypervisor of the `pv` strategy, its ABI (the
 * hypercall numbers, error codes and shared structures of Xen's public headers) and the domain
 * builder (docs/PV.md).
 *
 * @packageDocumentation
 */
export { PvStrategy, type PvOptions } from './strategy.js';
export { Hypervisor, HypercallCounts, type Caller, type Handler } from './hypervisor.js';
export { buildDomain, BuildError, type BuildOptions, type StartInfo } from './builder.js';
export { PvDomain } from './domain.js';
export { HYPERCALL, HYPERCALL_NAMES, ERRNO, errnoName, MMU, MMUEXT, SCHEDOP, SHUTDOWN, EVTCHNOP, GNTTABOP, VIRQ, type HypercallName, type Errno } from './abi.js';
