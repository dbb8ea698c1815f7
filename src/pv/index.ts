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
export { HYPERCALL, HYPERCALL_NAMES, ERRNO, errnoName, MMU, MMUEXT, SCHEDOP, SHUTDOWN, EVTCHNOP, GNTTABOP, VIRQ, type HypercallName, type Errno } from './abi.js';
export { EventChannels, type EventDomains } from './event-channels.js';
export { HostBuffer, type GuestAccess } from './guest-access.js';
// The types and classes the public ones above name (so the API reference documents them too).
export { PvDomain, type DomainLayout } from './domain.js';
export { FrameTable, type TableTyping } from './frame-table.js';
export { GrantTables, type CopySide, MappedPage } from './grant-table.js';
export { PageTableRules } from './page-tables.js';
export { SharedInfoPage, type EventBitmaps } from './shared-info.js';
export { Backends, type DeviceBackend } from './backends/backends.js';
export { ConsoleBackend } from './backends/console.js';
export { XenStore, XenStoreConnection, type Watch } from './xenstore.js';
export { type RingPage } from './ring.js';
export { type PortState } from './event-channels.js';
