/**
 * vmlab: a RISC-V machine (RV64IMAC + Zicsr + H) emulated in WebAssembly, and the tools to boot
 * and run guests on it. This is the package's main entry (`import { Machine, boot } from 'vmlab'`);
 * it runs unchanged in Node and in a browser. The rest are subpaths: the VMM (`vmlab/vmm`), binary
 * translation (`vmlab/bt`), paravirtualization (`vmlab/pv`), the comparison (`vmlab/compare`), the
 * cost model (`vmlab/cost`), sweeps (`vmlab/sweep`), scheduling (`vmlab/sched`), the EC2 layer
 * (`vmlab/cloud`), the virtual network (`vmlab/net`) and live migration (`vmlab/migration`, Node only:
 * it speaks TCP).
 *
 * @packageDocumentation
 */
export { Machine, MachineError, RAM_BASE, type MachineOptions, type MachineConfig, type Snapshot } from '../bindings/machine.js';
export { EXIT_REASONS, type ExitReason, type ExitRecord } from '../bindings/exit.js';
export { boot, loadImage, type BootOptions } from './machine/boot.js';
export { runSession, type SessionOptions, type SessionResult, type Outcome } from './machine/session.js';
export { machineStats, type StatRow } from './machine/stats.js';
export { parseImage, parseElf, parseRaw, isElf, LoadError, type LoadErrorCode, type LoadedImage, type Segment, type RamRange } from './loader/index.js';
export { disassemble } from './isa/disasm.js';
export type { HartProfile, HartState } from '../bindings/machine.js';
export type { CoreFlavor } from '../bindings/core.js';
