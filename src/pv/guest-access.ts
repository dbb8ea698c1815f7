/**
 * copy_from_guest / copy_to_guest: how the hypervisor reads and writes a hypercall's arguments.
 * A PV guest passes virtual addresses, translated through its own (validated) tables as the hart
 * would for its kernel; dom0, the TypeScript host, passes addresses in its own hypercall buffer
 * (libxc's locked buffers). Every access is bounded and checked: a byte that is not the caller's
 * to read (or write) fails the whole copy, and nothing is written then.
 */
import type { Machine } from '../../bindings/machine.js';
import type { FrameTable } from './frame-table.js';
import { isTableType } from './frame-table.js';

/** The most bytes one copy moves (a hypercall's argument array is bounded by this). */
export const MAX_COPY = 1 << 20;

export interface GuestAccess {
  /** `len` bytes at `va`, or undefined when any of them is not readable by the caller. */
  read(va: bigint, len: number): Uint8Array | undefined;
  /** Writes `data` at `va`; false (and nothing written) when any byte is not writable by the caller. */
  write(va: bigint, data: Uint8Array): boolean;
}

const PAGE = 4096n;

/** A PV guest's kernel addresses, through the page tables the hart uses for it now (satp). */
export class PagedAccess implements GuestAccess {
  constructor(private readonly machine: Machine, private readonly frames: FrameTable, private readonly domid: number) {}

  /** Host physical addresses of each page piece of [va, va + len), or undefined. */
  private pieces(va: bigint, len: number, write: boolean): Array<{ pa: bigint; n: number }> | undefined {
    if (!Number.isInteger(len) || len < 0 || len > MAX_COPY || va < 0n || va + BigInt(len) > 1n << 64n) return undefined;
    const out: Array<{ pa: bigint; n: number }> = [];
    for (let done = 0; done < len;) {
      const a = va + BigInt(done);
      const n = Math.min(len - done, Number(PAGE - (a % PAGE)));
      const t = this.machine.translate(a, write ? 1 : 0, 1);
      if (!t.ok) return undefined;
      const mfn = t.pa >> 12n;
      // The tables are validated, so this holds; checked again because a copy is the hypervisor's
      // own access and must never reach another domain's frame or a live page table.
      if (this.frames.owner(mfn) !== this.domid) return undefined;
      if (write && isTableType(this.frames.typeOf(mfn)) && this.frames.typeCountOf(mfn) > 0) return undefined;
      out.push({ pa: t.pa, n });
      done += n;
    }
    return out;
  }

  read(va: bigint, len: number): Uint8Array | undefined {
    const ps = this.pieces(va, len, false);
    if (!ps) return undefined;
    const out = new Uint8Array(len);
    let at = 0;
    for (const p of ps) { out.set(this.machine.readPhys(p.pa, p.n), at); at += p.n; }
    return out;
  }

  write(va: bigint, data: Uint8Array): boolean {
    const ps = this.pieces(va, data.length, true);
    if (!ps) return false;
    let at = 0;
    for (const p of ps) { this.machine.writePhys(p.pa, data.subarray(at, at + p.n)); at += p.n; }
    return true;
  }
}

/** dom0's hypercall buffer: plain host memory at addresses [base, base + size). */
export class HostBuffer implements GuestAccess {
  readonly bytes: Uint8Array;
  constructor(readonly base: bigint, size: number) { this.bytes = new Uint8Array(size); }
  private offset(va: bigint, len: number): number | undefined {
    const off = va - this.base;
    return off >= 0n && off + BigInt(len) <= BigInt(this.bytes.length) ? Number(off) : undefined;
  }
  read(va: bigint, len: number): Uint8Array | undefined {
    const o = this.offset(va, len);
    return o === undefined ? undefined : this.bytes.slice(o, o + len);
  }
  write(va: bigint, data: Uint8Array): boolean {
    const o = this.offset(va, data.length);
    if (o === undefined) return false;
    this.bytes.set(data, o);
    return true;
  }
}

/** Little-endian field access over a copied-out argument. */
export class Fields {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) { this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); }
  u8(off: number): number { return this.view.getUint8(off); }
  u16(off: number): number { return this.view.getUint16(off, true); }
  i16(off: number): number { return this.view.getInt16(off, true); }
  u32(off: number): number { return this.view.getUint32(off, true); }
  u64(off: number): bigint { return this.view.getBigUint64(off, true); }
  setU8(off: number, v: number): this { this.view.setUint8(off, v); return this; }
  setU16(off: number, v: number): this { this.view.setUint16(off, v, true); return this; }
  setI16(off: number, v: number): this { this.view.setInt16(off, v, true); return this; }
  setU32(off: number, v: number): this { this.view.setUint32(off, v >>> 0, true); return this; }
  setU64(off: number, v: bigint): this { this.view.setBigUint64(off, BigInt.asUintN(64, v), true); return this; }
}
