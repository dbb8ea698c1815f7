/**
 * HYPERVISOR_grant_table_op(cmd, uop, count): setup_table, query_size and copy for guests, with a
 * status per operation as in Xen. Mappings are made by the backends in dom0 (GrantTables.map); a
 * domU asking to map a grant into its own page tables is refused with GNTST_general_error: no
 * backend runs in a domU here, and so a domU's tables only ever hold its own frames.
 */
import type { Caller, Handler, Hypervisor } from './hypervisor.js';
import type { CopySide } from './grant-table.js';
import { Fields } from './guest-access.js';
import { err, GNTTABOP, GNTST, GNTCOPY, DOMID_SELF } from './abi.js';

const MAX_OPS = 512;
const SIZES: Record<number, number> = {
  [GNTTABOP.setup_table]: 24, [GNTTABOP.query_size]: 16, [GNTTABOP.map_grant_ref]: 32,
  [GNTTABOP.unmap_grant_ref]: 24, [GNTTABOP.copy]: 40,
};
const STATUS_AT: Record<number, number> = {
  [GNTTABOP.setup_table]: 8, [GNTTABOP.query_size]: 12, [GNTTABOP.map_grant_ref]: 18,
  [GNTTABOP.unmap_grant_ref]: 20, [GNTTABOP.copy]: 36,
};

export const grantTableOp: Handler = (hv, caller, [cmdArg, uop, count]) => {
  const cmd = Number(cmdArg);
  const size = SIZES[cmd];
  if (size === undefined) return err('ENOSYS');
  if (count > BigInt(MAX_OPS)) return err('EINVAL');
  for (let i = 0; i < Number(count); i++) {
    const va = uop + BigInt(i * size);
    const b = caller.access.read(va, size);
    if (!b) return err('EFAULT');
    const f = new Fields(b);
    const status = one(hv, caller, cmd, f);
    if (status === undefined) return err('EFAULT');
    f.setI16(STATUS_AT[cmd], status);
    if (!caller.access.write(va, f.bytes)) return err('EFAULT');
  }
  return 0;
};

/** One operation; its status, or undefined when writing its output faulted. */
function one(hv: Hypervisor, caller: Caller, cmd: number, f: Fields): number | undefined {
  switch (cmd) {
    case GNTTABOP.setup_table: {
      const dom = hv.target(caller, f.u16(0));
      const frames = dom === undefined ? undefined : hv.grants.framesOf(dom);
      if (!frames) return GNTST.bad_domain;
      const n = f.u32(4);
      if (n > frames.length) return GNTST.general_error;
      const list = new Fields(new Uint8Array(8 * n));
      frames.slice(0, n).forEach((mfn, i) => list.setU64(8 * i, mfn));
      return caller.access.write(f.u64(16), list.bytes) ? GNTST.okay : undefined;
    }
    case GNTTABOP.query_size: {
      const dom = hv.target(caller, f.u16(0));
      const frames = dom === undefined ? undefined : hv.grants.framesOf(dom);
      if (!frames) return GNTST.bad_domain;
      f.setU32(4, frames.length).setU32(8, frames.length);
      return GNTST.okay;
    }
    case GNTTABOP.map_grant_ref: return GNTST.general_error;
    case GNTTABOP.unmap_grant_ref: return hv.grants.unmap(caller.domid, f.u32(16));
    case GNTTABOP.copy: {
      const flags = f.u16(34);
      const src = side(caller, f, 0, (flags & GNTCOPY.source_gref) !== 0);
      const dst = side(caller, f, 16, (flags & GNTCOPY.dest_gref) !== 0);
      if (typeof src === 'number') return src;
      if (typeof dst === 'number') return dst;
      return hv.grants.copy(caller.domid, src, dst, f.u16(32));
    }
  }
  return GNTST.general_error;
}

/** struct gnttab_copy_ptr at `at`: a grant of another domain, or a frame (mfn) of the caller's own. */
function side(caller: Caller, f: Fields, at: number, isGref: boolean): CopySide | number {
  const domid = f.u16(at + 8), offset = f.u16(at + 10);
  if (isGref) return { kind: 'gref', domid, ref: f.u32(at), offset };
  if (domid !== DOMID_SELF && domid !== caller.domid) return GNTST.permission_denied;
  return { kind: 'frame', mfn: f.u64(at), offset };
}
