/**
 * Grant tables, version 1 (grant_table.h): a domain grants another domain access to one of its
 * frames by filling an entry { flags, domid, frame } in its grant table, frames of its own memory
 * the builder set aside. The grantee maps (map_grant_ref / unmap_grant_ref) or copies
 * (GNTTABOP_copy) through the grant; every operation reads the entry once and checks it: the
 * entry permits access, to this grantee, writably if it writes, for a frame the granter owns that
 * is not a page table. While mapped the entry carries GTF_reading/GTF_writing, so the granter's
 * revocation (a compare-and-swap of the flags to 0, gnttab_end_foreign_access_ref) is refused, and
 * the frame holds a reference (writable: a writable type) so it cannot become a page table either.
 */
import type { Machine } from '../../bindings/machine.js';
import type { FrameTable } from './frame-table.js';
import { PageType } from './frame-table.js';
import { GTF, GNTST, GNTMAP, GRANT_ENTRY_SIZE } from './abi.js';

export const ENTRIES_PER_FRAME = 4096 / GRANT_ENTRY_SIZE;

interface Active { readers: number; writers: number }
interface MapTrack { granter: number; ref: number; mfn: bigint; readonly: boolean; mapper: number }

/** A page a backend has mapped through a grant: bounded to the page, read-only if granted so, dead once unmapped. */
export class MappedPage {
  private live = true;
  constructor(private readonly machine: Machine, readonly mfn: bigint, readonly readonly: boolean, readonly handle: number) {}
  private check(off: number, len: number): void {
    if (!this.live) throw new GrantError(`grant handle ${this.handle} is unmapped`);
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > 4096) throw new GrantError(`access [${off}, +${len}) outside the granted page`);
  }
  read(off: number, len: number): Uint8Array { this.check(off, len); return this.machine.readPhys((this.mfn << 12n) + BigInt(off), len); }
  write(off: number, data: Uint8Array): void {
    this.check(off, data.length);
    if (this.readonly) throw new GrantError(`grant handle ${this.handle} is read-only`);
    this.machine.writePhys((this.mfn << 12n) + BigInt(off), data);
  }
  read32(off: number): number { return new DataView(this.read(off, 4).buffer).getUint32(0, true); }
  write32(off: number, v: number): void { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); this.write(off, b); }
  /** @internal the grant table ends the mapping */
  kill(): void { this.live = false; }
}

export class GrantError extends Error {}

/**
 * dom0's privileged mapping of a frame a domain owns (xc_map_foreign_range: how the toolstack
 * reaches a guest's console and store pages, named by mfn in start_info). Undefined if the domain
 * does not own the frame.
 */
export function mapForeign(machine: Machine, frames: FrameTable, domid: number, mfn: bigint): MappedPage | undefined {
  return frames.owner(mfn) === domid ? new MappedPage(machine, mfn, false, 0) : undefined;
}

/** One side of a copy: a grant reference in another domain's table, a frame of the caller's own, or (dom0) host bytes. */
export type CopySide =
  | { kind: 'gref'; domid: number; ref: number; offset: number }
  | { kind: 'frame'; mfn: bigint; offset: number }
  | { kind: 'host'; bytes: Uint8Array; offset: number };

/** Every domain's grant table and every active mapping (the maptrack). */
export class GrantTables {
  private readonly tables = new Map<number, bigint[]>();
  private readonly active = new Map<string, Active>();
  private readonly maps = new Map<number, MapTrack & { page: MappedPage }>();
  private nextHandle = 1;

  constructor(private readonly machine: Machine, private readonly frames: FrameTable) {}

  /** The builder gives domain `domid` its grant-table frames (frames it owns). */
  setFrames(domid: number, mfns: bigint[]): void { this.tables.set(domid, mfns); }
  framesOf(domid: number): bigint[] | undefined { return this.tables.get(domid); }
  forget(domid: number): void {
    for (const [h, m] of this.maps) if (m.granter === domid || m.mapper === domid) this.unmap(m.mapper, h);
    this.tables.delete(domid);
  }

  private entryAddr(domid: number, ref: number): bigint | undefined {
    const t = this.tables.get(domid);
    if (!t || !Number.isInteger(ref) || ref < 0 || ref >= t.length * ENTRIES_PER_FRAME) return undefined;
    return (t[Math.floor(ref / ENTRIES_PER_FRAME)] << 12n) + BigInt((ref % ENTRIES_PER_FRAME) * GRANT_ENTRY_SIZE);
  }
  /** The entry, read once (no double fetch): flags, domid, frame. */
  private readEntry(addr: bigint): { flags: number; domid: number; frame: bigint } {
    const w = this.machine.read64(addr);
    return { flags: Number(w & 0xffffn), domid: Number((w >> 16n) & 0xffffn), frame: w >> 32n };
  }
  private writeFlags(addr: bigint, flags: number): void {
    this.machine.writePhys(addr, Uint8Array.of(flags & 0xff, flags >> 8));
  }
  private activeOf(domid: number, ref: number): Active {
    const k = `${domid}:${ref}`;
    let a = this.active.get(k);
    if (!a) this.active.set(k, (a = { readers: 0, writers: 0 }));
    return a;
  }
  /** GTF_reading/GTF_writing follow the active counts: the hypervisor's own bits, rewritten whatever the guest put there. */
  private syncFlags(domid: number, ref: number, addr: bigint): void {
    const a = this.activeOf(domid, ref);
    const e = this.readEntry(addr);
    let f = e.flags & ~(GTF.reading | GTF.writing);
    if (a.readers + a.writers > 0) f |= GTF.reading;
    if (a.writers > 0) f |= GTF.writing;
    this.writeFlags(addr, f);
    if (a.readers + a.writers === 0) this.active.delete(`${domid}:${ref}`);
  }

  /**
   * Checks a grant for `grantee` and takes its frame: the entry permits access to the grantee,
   * writably if `write`, for a RAM frame the granter owns (writable: that can take a writable type).
   */
  private acquire(granter: number, ref: number, grantee: number, write: boolean): { status: number; mfn?: bigint; addr?: bigint } {
    if (!this.tables.has(granter)) return { status: GNTST.bad_domain };
    const addr = this.entryAddr(granter, ref);
    if (addr === undefined) return { status: GNTST.bad_gntref };
    const e = this.readEntry(addr);
    if ((e.flags & GTF.type_mask) !== GTF.permit_access || e.domid !== grantee) return { status: GNTST.general_error };
    if (write && (e.flags & GTF.readonly) !== 0) return { status: GNTST.general_error };
    const mfn = e.frame;
    if (this.frames.getPage(mfn, granter) !== 0) return { status: GNTST.general_error };
    if (write && this.frames.getPageType(mfn, PageType.Writable) !== 0) {
      this.frames.putPage(mfn);
      return { status: GNTST.general_error };
    }
    const a = this.activeOf(granter, ref);
    if (write) a.writers++; else a.readers++;
    this.syncFlags(granter, ref, addr);
    return { status: GNTST.okay, mfn, addr };
  }
  private release(granter: number, ref: number, mfn: bigint, write: boolean): void {
    const a = this.activeOf(granter, ref);
    if (write) { a.writers--; this.frames.putPageType(mfn); } else a.readers--;
    this.frames.putPage(mfn);
    const addr = this.entryAddr(granter, ref);
    if (addr !== undefined) this.syncFlags(granter, ref, addr);
  }

  /** GNTTABOP_map_grant_ref for a backend in dom0 (GNTMAP_host_map or device_map). */
  map(mapper: number, granter: number, ref: number, flags: number): { status: number; handle?: number; page?: MappedPage } {
    if ((flags & (GNTMAP.host_map | GNTMAP.device_map)) === 0) return { status: GNTST.bad_gntref };
    const write = (flags & GNTMAP.readonly) === 0;
    const got = this.acquire(granter, ref, mapper, write);
    if (got.status !== GNTST.okay) return { status: got.status };
    const handle = this.nextHandle++;
    const page = new MappedPage(this.machine, got.mfn!, !write, handle);
    this.maps.set(handle, { granter, ref, mfn: got.mfn!, readonly: !write, mapper, page });
    return { status: GNTST.okay, handle, page };
  }

  /** GNTTABOP_unmap_grant_ref. */
  unmap(mapper: number, handle: number): number {
    const m = this.maps.get(handle);
    if (!m || m.mapper !== mapper) return GNTST.bad_handle;
    this.maps.delete(handle);
    m.page.kill();
    this.release(m.granter, m.ref, m.mfn, !m.readonly);
    return GNTST.okay;
  }

  /** Mappings a domain has made, still in place. */
  mappingsOf(mapper: number): number { let n = 0; for (const m of this.maps.values()) if (m.mapper === mapper) n++; return n; }

  /** GNTTABOP_copy by `caller`: `len` bytes from `src` to `dst`, each side checked; nothing copied on any error. */
  copy(caller: number, src: CopySide, dst: CopySide, len: number): number {
    if (!Number.isInteger(len) || len < 0 || len > 4096) return GNTST.bad_copy_arg;
    for (const s of [src, dst]) {
      const limit = s.kind === 'host' ? s.bytes.length : 4096;
      if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset + len > limit) return GNTST.bad_copy_arg;
      if (s.kind === 'host' && caller !== 0) return GNTST.permission_denied;
    }
    const taken: Array<() => void> = [];
    const open = (s: CopySide, write: boolean): { status: number; pa?: bigint } => {
      if (s.kind === 'host') return { status: GNTST.okay };
      if (s.kind === 'gref') {
        const g = this.acquire(s.domid, s.ref, caller, write);
        if (g.status !== GNTST.okay) return g;
        taken.push(() => this.release(s.domid, s.ref, g.mfn!, write));
        return { status: GNTST.okay, pa: (g.mfn! << 12n) + BigInt(s.offset) };
      }
      // A frame of the caller's own: a page of its RAM, and not a live page table when written.
      if (this.frames.getPage(s.mfn, caller) !== 0) return { status: GNTST.bad_page };
      if (write && this.frames.getPageType(s.mfn, PageType.Writable) !== 0) { this.frames.putPage(s.mfn); return { status: GNTST.general_error }; }
      taken.push(() => { if (write) this.frames.putPageType(s.mfn); this.frames.putPage(s.mfn); });
      return { status: GNTST.okay, pa: (s.mfn << 12n) + BigInt(s.offset) };
    };
    try {
      const from = open(src, false);
      if (from.status !== GNTST.okay) return from.status;
      const to = open(dst, true);
      if (to.status !== GNTST.okay) return to.status;
      const data = src.kind === 'host' ? src.bytes.slice(src.offset, src.offset + len) : this.machine.readPhys(from.pa!, len);
      if (dst.kind === 'host') dst.bytes.set(data, dst.offset);
      else this.machine.writePhys(to.pa!, data);
      return GNTST.okay;
    } finally {
      for (const undo of taken.reverse()) undo();
    }
  }
}

/**
 * The granter's side of the v1 protocol, as a frontend runs it on its own grant table (used by
 * dom0's own grants and by test frontends): the entry is filled frame and domid first, flags last.
 */
export class GrantEntries {
  constructor(private readonly machine: Machine, private readonly frames: bigint[]) {}
  private addr(ref: number): bigint {
    if (!Number.isInteger(ref) || ref < 0 || ref >= this.frames.length * ENTRIES_PER_FRAME) throw new GrantError(`grant ref ${ref} outside the table`);
    return (this.frames[Math.floor(ref / ENTRIES_PER_FRAME)] << 12n) + BigInt((ref % ENTRIES_PER_FRAME) * GRANT_ENTRY_SIZE);
  }
  /** gnttab_grant_foreign_access_ref. */
  grant(ref: number, domid: number, mfn: bigint, readonly: boolean): void {
    const a = this.addr(ref);
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setUint16(2, domid, true);
    v.setUint32(4, Number(mfn), true);
    this.machine.writePhys(a + 2n, b.subarray(2));
    this.machine.writePhys(a, Uint8Array.of(GTF.permit_access | (readonly ? GTF.readonly : 0), 0));
  }
  /** gnttab_end_foreign_access_ref: refused (false) while the grantee has it mapped or in a copy. */
  end(ref: number): boolean {
    const a = this.addr(ref);
    const flags = new DataView(this.machine.readPhys(a, 2).buffer).getUint16(0, true);
    if ((flags & (GTF.reading | GTF.writing)) !== 0) return false;
    this.machine.writePhys(a, Uint8Array.of(0, 0));
    return true;
  }
  flags(ref: number): number { return new DataView(this.machine.readPhys(this.addr(ref), 2).buffer).getUint16(0, true); }
}
