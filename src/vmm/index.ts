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
