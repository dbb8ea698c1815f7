/**
 * How a device reaches the memory of the machine it is plugged into: guest-physical addresses, on
 * bare hardware the machine's RAM itself, in a VM through its p2m (checked: a VM's device can only
 * reach that VM's frames). An address outside that memory is a DmaError, never a host access.
 */
import type { Machine } from '../../bindings/machine.js';
import type { P2m } from '../vmm/p2m.js';
import { RAM_BASE } from '../../bindings/machine.js';

export class DmaError extends Error {}

export interface DmaMemory {
  read(gpa: bigint, len: number): Uint8Array;
  write(gpa: bigint, data: Uint8Array): void;
}

/** The bare machine's RAM. */
export class MachineDma implements DmaMemory {
  constructor(private readonly machine: Machine) {}
  private check(gpa: bigint, len: number): void {
    if (gpa < RAM_BASE || gpa + BigInt(len) > RAM_BASE + BigInt(this.machine.ramBytes)) throw new DmaError(`DMA to [0x${gpa.toString(16)}, +${len}) outside RAM`);
  }
  read(gpa: bigint, len: number): Uint8Array { this.check(gpa, len); return this.machine.readPhys(gpa, len); }
  write(gpa: bigint, data: Uint8Array): void { this.check(gpa, data.length); this.machine.writePhys(gpa, data); }
}

/** A VM's guest-physical memory. */
export class VmDma implements DmaMemory {
  constructor(private readonly p2m: P2m) {}
  read(gpa: bigint, len: number): Uint8Array {
    try { return this.p2m.read(gpa, len); } catch (e) { throw new DmaError((e as Error).message); }
  }
  write(gpa: bigint, data: Uint8Array): void {
    try { this.p2m.write(gpa, data); } catch (e) { throw new DmaError((e as Error).message); }
  }
}
