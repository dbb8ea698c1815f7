/**
 * The VMM (`vmlab/vmm`): host frames dealt to VMs, the p2m, and the strategies that run a guest
 * kernel in a VM, with the runner that owns the loop. See `src/vmm/strategy.ts` for the contract.
 *
 * @packageDocumentation
 */
export { HostMemory, OutOfMemory, PAGE } from './frames.js';
export { P2m, GuestMemoryError } from './p2m.js';
export { Vm, VmStats, GUEST_RAM_BASE } from './vm.js';
export { runVm, type VmOutcome, type RunVmOptions } from './runner.js';
export { STRATEGIES, RESUME, kernelEntry, type Strategy, type StrategyName, type StrategyContext, type ExitAction } from './strategy.js';
export { TrapEmulate } from './strategies/trap-emulate.js';
export { HwShadow } from './strategies/hw-shadow.js';
export { HwNested } from './strategies/hw-nested.js';
export { ShadowPaging, type FaultResult, type RingMode, type Ring } from './shadow-paging.js';
export type { GuestContext, AccessType } from './guest-walk.js';
export { GStage } from './g-stage.js';
export { vmStats } from './stats.js';
export { FETCH, READ, WRITE } from './guest-walk.js';
export { GuestDirtyLog, type PageBitmap } from './dirty-log.js';
export { StateReader, type StateRecord, type StateValue } from './state-reader.js';
export type { Migratable } from './migratable.js';
export { MmioBus } from '../vdev/bus.js';
export type { BlockStore } from '../vdev/block-store.js';
// The types and classes the public ones above name (so the API reference documents them too).
export type { TranslatedFaultResult, TranslatedKernel } from './shadow-paging.js';
export type { VmOptions } from './vm.js';
export { VmmPool } from './frames.js';
export { TagAllocator, type TagStats } from './tags.js';
export { ConsoleLog } from './console.js';
export { HartContext } from './world-switch.js';
export { VirtualCpu } from './vcpu.js';
export type { DmaMemory } from '../vdev/dma.js';
export { VirtioBlk } from '../vdev/virtio-blk.js';
export { VirtioMmio, type VirtioDevice } from '../vdev/virtio-mmio.js';
export type { DescBuffer } from '../vdev/virtqueue.js';
