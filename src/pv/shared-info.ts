/**
 * A domain's shared-info page as the hypervisor sees it: the event channels' pending and mask
 * bitmaps and vCPU 0's upcall flags (the 2-level event ABI of xen.h and event_2l.c). The guest
 * writes this page freely, so nothing read here is trusted: it only decides the guest's own events.
 */
import type { Machine } from '../../bindings/machine.js';
import { SHARED_INFO } from './abi.js';

export interface EventBitmaps {
  /** Sets a port pending; true when it becomes deliverable (newly pending and unmasked). */
  setPending(port: number): boolean;
  /** Clears a port's mask; true when it was pending, so it becomes deliverable now. */
  unmask(port: number): boolean;
  isPending(port: number): boolean;
  isMasked(port: number): boolean;
  /** vCPU 0 has an upcall waiting and has not masked upcalls. */
  upcallDeliverable(): boolean;
  /** Clears vcpu_info.evtchn_upcall_mask (SCHEDOP_block does, as in Xen). */
  enableUpcalls(): void;
  /** Resets a closed port's bits. */
  clear(port: number): void;
}

export class SharedInfoPage implements EventBitmaps {
  constructor(private readonly machine: Machine, readonly mfn: bigint) {}
  private get base(): bigint { return this.mfn << 12n; }
  private word(array: number, port: number): bigint { return this.base + BigInt(array + (port >> 6) * 8); }
  private testAndSet(addr: bigint, bit: number): boolean {
    const w = this.machine.read64(addr), m = 1n << BigInt(bit);
    if ((w & m) !== 0n) return true;
    this.machine.write64(addr, w | m);
    return false;
  }
  private test(addr: bigint, bit: number): boolean { return (this.machine.read64(addr) & (1n << BigInt(bit))) !== 0n; }
  private testAndClear(addr: bigint, bit: number): boolean {
    const w = this.machine.read64(addr), m = 1n << BigInt(bit);
    if ((w & m) === 0n) return false;
    this.machine.write64(addr, w & ~m);
    return true;
  }
  /** evtchn_pending_sel gets the port's word; the first new word raises evtchn_upcall_pending. */
  private markWord(port: number): boolean {
    if (this.testAndSet(this.base + BigInt(SHARED_INFO.vcpu0 + SHARED_INFO.pendingSel), port >> 6)) return false;
    const flag = this.base + BigInt(SHARED_INFO.vcpu0 + SHARED_INFO.upcallPending);
    const bytes = this.machine.readPhys(flag, 1);
    if (bytes[0] !== 0) return false;
    this.machine.writePhys(flag, Uint8Array.of(1));
    return true;
  }

  setPending(port: number): boolean {
    if (this.testAndSet(this.word(SHARED_INFO.evtchnPending, port), port & 63)) return false;
    if (this.test(this.word(SHARED_INFO.evtchnMask, port), port & 63)) return false;
    return this.markWord(port);
  }
  unmask(port: number): boolean {
    if (!this.testAndClear(this.word(SHARED_INFO.evtchnMask, port), port & 63)) return false;
    if (!this.test(this.word(SHARED_INFO.evtchnPending, port), port & 63)) return false;
    return this.markWord(port);
  }
  isPending(port: number): boolean { return this.test(this.word(SHARED_INFO.evtchnPending, port), port & 63); }
  isMasked(port: number): boolean { return this.test(this.word(SHARED_INFO.evtchnMask, port), port & 63); }
  upcallDeliverable(): boolean {
    const flags = this.machine.readPhys(this.base + BigInt(SHARED_INFO.vcpu0 + SHARED_INFO.upcallPending), 2);
    return flags[0] !== 0 && flags[1] === 0;
  }
  enableUpcalls(): void { this.machine.writePhys(this.base + BigInt(SHARED_INFO.vcpu0 + SHARED_INFO.upcallMask), Uint8Array.of(0)); }
  clear(port: number): void {
    this.testAndClear(this.word(SHARED_INFO.evtchnPending, port), port & 63);
    this.testAndClear(this.word(SHARED_INFO.evtchnMask, port), port & 63);
  }
}

/** dom0's event bitmaps: plain host memory; a backend is told of each newly pending port. */
export class HostEventBitmaps implements EventBitmaps {
  private readonly pending = new Set<number>();
  private readonly masked = new Set<number>();
  constructor(private readonly notify: (port: number) => void) {}
  setPending(port: number): boolean {
    if (this.pending.has(port)) return false;
    this.pending.add(port);
    if (this.masked.has(port)) return false;
    this.pending.delete(port); // delivered at once: the backend's handler runs now
    this.notify(port);
    return false;
  }
  unmask(port: number): boolean {
    if (!this.masked.delete(port) || !this.pending.delete(port)) return false;
    this.notify(port);
    return false;
  }
  mask(port: number): void { this.masked.add(port); }
  isPending(port: number): boolean { return this.pending.has(port); }
  isMasked(port: number): boolean { return this.masked.has(port); }
  upcallDeliverable(): boolean { return false; }
  enableUpcalls(): void {}
  clear(port: number): void { this.pending.delete(port); this.masked.delete(port); }
}
