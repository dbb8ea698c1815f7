/**
 * The provider's hosts and what is placed on them: capacity in EC2 compute units (cores times what
 * one core of the host's generation delivers), cores and memory, all of it never overcommitted.
 */
import type { Generation } from './generations.js';
import { ecuPerCore } from './generations.js';
import type { InstanceType } from './instance-types.js';
import type { Zone } from './zones.js';

export class CloudHost {
  readonly instances = new Map<string, InstanceType>();
  usedEcu = 0;
  usedMemoryGb = 0;
  constructor(readonly id: string, readonly zone: Zone, readonly generation: Generation, readonly cores: number, readonly memoryGb: number) {}

  get ecu(): number { return this.cores * ecuPerCore(this.generation); }
  /** Whether `t` fits next to what is here. */
  fits(t: InstanceType): boolean {
    return t.cores <= this.cores && this.usedEcu + t.ecu <= this.ecu + 1e-9 && this.usedMemoryGb + t.memoryGb <= this.memoryGb + 1e-9;
  }
  add(name: string, t: InstanceType): void {
    if (!this.fits(t)) throw new Error(`${t.name} does not fit on ${this.id}`);
    this.instances.set(name, t);
    this.usedEcu += t.ecu;
    this.usedMemoryGb += t.memoryGb;
  }
  remove(name: string): void {
    const t = this.instances.get(name);
    if (!t) return;
    this.instances.delete(name);
    this.usedEcu -= t.ecu;
    this.usedMemoryGb -= t.memoryGb;
  }
}
