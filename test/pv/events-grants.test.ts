// Event channels and grant tables on hand-built requests: a masked port goes pending without an
// upcall and unmasking delivers it; ports bind only as offered; a grant maps only for its grantee,
// with its rights, on its granter's frame, and cannot be revoked while mapped.
import { describe, it, expect, beforeEach } from 'vitest';
import { pvHost, mfn, asDomain, type PvHost } from '../helpers/pv-host.js';
import { Fields } from '../../src/pv/guest-access.js';
import { GrantEntries, GrantError } from '../../src/pv/grant-table.js';
import { PageType } from '../../src/pv/frame-table.js';
import { ERRNO, EVTCHNOP, GNTMAP, GNTST, GNTTABOP, GTF, HYPERCALL, MMUEXT, SHARED_INFO, VIRQ, DOMID_SELF } from '../../src/pv/abi.js';
import { MmuBatch } from '../../src/pv/xc.js';

const E = (n: keyof typeof ERRNO) => -ERRNO[n];
let h: PvHost;
beforeEach(async () => { h = await pvHost(); });

/** Domain 1's event_channel_op(cmd, struct): the result and the struct written back. */
function evtchnOp(cmd: number, s: Fields): { rc: number; out: Fields } {
  const { caller, buffer } = asDomain(h.hv, h.da, s.bytes);
  const rc = h.hv.hypercall(caller, HYPERCALL.event_channel_op, [BigInt(cmd), buffer.base, 0n, 0n, 0n, 0n]);
  return { rc, out: new Fields(buffer.bytes.slice(0, s.bytes.length)) };
}
const port = (p: number) => new Fields(new Uint8Array(4)).setU32(0, p);
const maskPort = (p: number) => {
  const at = (mfn(h.a, 1) << 12n) + BigInt(SHARED_INFO.evtchnMask + (p >> 6) * 8);
  h.m.write64(at, h.m.read64(at) | (1n << BigInt(p & 63)));
};

describe('event channels', () => {
  it('a masked port goes pending without an upcall; unmasking delivers it', () => {
    h.da.sharedInfo.enableUpcalls();
    const local = h.da.channels.allocUnbound(0);
    const remote = h.hv.dom0Channels.bindInterdomain(1, local);
    maskPort(local);
    expect(h.hv.dom0Channels.send(remote)).toBe(0);
    expect(h.da.sharedInfo.isPending(local)).toBe(true);
    expect(h.da.sharedInfo.upcallDeliverable()).toBe(false);
    expect(evtchnOp(EVTCHNOP.unmask, port(local)).rc).toBe(0);
    expect(h.da.sharedInfo.upcallDeliverable()).toBe(true);
    expect(h.da.channels.upcallsRaised).toBe(1);
  });

  it('an unmasked port raises the upcall at once, unless upcalls are masked in vcpu_info', () => {
    const local = h.da.channels.allocUnbound(0);
    const remote = h.hv.dom0Channels.bindInterdomain(1, local);
    h.hv.dom0Channels.send(remote);
    expect(h.da.sharedInfo.isPending(local)).toBe(true);
    expect(h.da.sharedInfo.upcallDeliverable()).toBe(false); // evtchn_upcall_mask is 1 at creation
    h.da.sharedInfo.enableUpcalls();
    expect(h.da.sharedInfo.upcallDeliverable()).toBe(true);
  });

  it('VIRQ_TIMER binds once per domain and fires through its port', () => {
    const b = evtchnOp(EVTCHNOP.bind_virq, new Fields(new Uint8Array(12)).setU32(0, VIRQ.timer).setU32(4, 0));
    expect(b.rc).toBe(0);
    const p = b.out.u32(8);
    expect(evtchnOp(EVTCHNOP.bind_virq, new Fields(new Uint8Array(12)).setU32(0, VIRQ.timer)).rc).toBe(E('EEXIST'));
    expect(evtchnOp(EVTCHNOP.bind_virq, new Fields(new Uint8Array(12)).setU32(0, 99)).rc).toBe(E('EINVAL'));
    expect(evtchnOp(EVTCHNOP.bind_virq, new Fields(new Uint8Array(12)).setU32(0, VIRQ.debug).setU32(4, 3)).rc).toBe(E('ENOENT'));
    h.da.channels.raiseVirq(VIRQ.timer);
    expect(h.da.sharedInfo.isPending(p)).toBe(true);
  });

  it('ports bind only as offered, and a closed peer becomes unbound again', () => {
    const offered = h.db.channels.allocUnbound(1); // domain 2 offers a port to domain 1
    const notToUs = h.db.channels.allocUnbound(0);
    const bind = (dom: number, p: number) => evtchnOp(EVTCHNOP.bind_interdomain, new Fields(new Uint8Array(12)).setU16(0, dom).setU32(4, p));
    expect(bind(2, notToUs).rc).toBe(E('EINVAL'));
    expect(bind(2, 999).rc).toBe(E('EINVAL'));
    expect(bind(77, offered).rc).toBe(E('ESRCH'));
    const b = bind(2, offered);
    expect(b.rc).toBe(0);
    const mine = b.out.u32(8);
    expect(evtchnOp(EVTCHNOP.send, port(mine)).rc).toBe(0);
    expect(h.db.sharedInfo.isPending(offered)).toBe(true);
    expect(evtchnOp(EVTCHNOP.close, port(mine)).rc).toBe(0);
    expect(h.db.channels.describe(offered)).toEqual({ kind: 'unbound', remoteDom: 1 });
    expect(evtchnOp(EVTCHNOP.send, port(mine)).rc).toBe(E('EINVAL'));
    expect(evtchnOp(EVTCHNOP.alloc_unbound, new Fields(new Uint8Array(8)).setU16(0, 2).setU16(2, 0)).rc).toBe(E('EPERM'));
  });
});

describe('grant tables', () => {
  const DATA = 11;
  let grants: GrantEntries;
  beforeEach(() => { grants = new GrantEntries(h.m, h.hv.grants.framesOf(1)!); });

  it('a mapped grant cannot be revoked; once unmapped it can', () => {
    grants.grant(8, 0, mfn(h.a, DATA), false);
    const m = h.hv.grants.map(0, 1, 8, GNTMAP.host_map);
    expect(m.status).toBe(GNTST.okay);
    expect(grants.flags(8)).toBe(GTF.permit_access | GTF.reading | GTF.writing);
    expect(grants.end(8)).toBe(false);
    expect(grants.flags(8) & GTF.permit_access).toBe(GTF.permit_access); // still granted
    m.page!.write(0, Uint8Array.of(1, 2, 3));
    expect(h.a.p2m.read(0x8000_0000n + BigInt(DATA * 4096), 3)).toEqual(Uint8Array.of(1, 2, 3));
    // While mapped writable the frame holds a writable type: it cannot become a page table.
    expect(new MmuBatch(h.hv, 1).extended(MMUEXT.PIN_L1_TABLE, mfn(h.a, DATA)).flush()[0].result).toBe(E('EINVAL'));
    expect(h.hv.grants.unmap(0, m.handle!)).toBe(GNTST.okay);
    expect(() => m.page!.read(0, 1)).toThrow(GrantError);
    expect(grants.flags(8)).toBe(GTF.permit_access);
    expect(grants.end(8)).toBe(true);
    expect(h.hv.frames.typeCountOf(mfn(h.a, DATA))).toBe(0);
    expect(h.hv.grants.unmap(0, m.handle!)).toBe(GNTST.bad_handle);
  });

  it('every check: the grantee, the rights, the reference, the granter\'s frame', () => {
    grants.grant(8, 2, mfn(h.a, DATA), false);             // for domain 2, not dom0
    grants.grant(9, 0, mfn(h.a, DATA), true);              // read-only
    grants.grant(10, 0, mfn(h.b, DATA), false);            // a frame domain 1 does not own
    grants.grant(11, 0, 0x10001n, false);                  // MMIO
    expect(h.hv.grants.map(0, 1, 8, GNTMAP.host_map).status).toBe(GNTST.general_error);
    expect(h.hv.grants.map(0, 1, 9, GNTMAP.host_map).status).toBe(GNTST.general_error);
    const ro = h.hv.grants.map(0, 1, 9, GNTMAP.host_map | GNTMAP.readonly);
    expect(ro.status).toBe(GNTST.okay);
    expect(() => ro.page!.write(0, Uint8Array.of(1))).toThrow(GrantError);
    expect(grants.flags(9)).toBe(GTF.permit_access | GTF.readonly | GTF.reading);
    expect(h.hv.grants.map(0, 1, 10, GNTMAP.host_map).status).toBe(GNTST.general_error);
    expect(h.hv.grants.map(0, 1, 11, GNTMAP.host_map).status).toBe(GNTST.general_error);
    expect(h.hv.grants.map(0, 1, 512, GNTMAP.host_map).status).toBe(GNTST.bad_gntref);
    expect(h.hv.grants.map(0, 9, 8, GNTMAP.host_map).status).toBe(GNTST.bad_domain);
    expect(h.hv.grants.map(0, 1, 9, 0).status).toBe(GNTST.bad_gntref); // neither host nor device map
    expect(h.hv.frames.countOf(mfn(h.b, DATA))).toBe(0);
    expect(() => ro.page!.read(4000, 200)).toThrow(GrantError);
  });

  it('copy checks both sides; a domU copies only with grants and its own frames', () => {
    grants.grant(8, 2, mfn(h.a, DATA), true);
    h.a.p2m.write(0x8000_0000n + BigInt(DATA * 4096), Uint8Array.of(9, 8, 7, 6));
    const copy = (dst: bigint, len: number, offset = 0) => {
      const c = new Fields(new Uint8Array(40)).setU32(0, 8).setU16(8, 1).setU16(10, offset).setU64(16, dst).setU16(24, DOMID_SELF).setU16(32, len).setU16(34, 1);
      const { caller, buffer } = asDomain(h.hv, h.db, c.bytes);
      expect(h.hv.hypercall(caller, HYPERCALL.grant_table_op, [BigInt(GNTTABOP.copy), buffer.base, 1n, 0n, 0n, 0n])).toBe(0);
      return new Fields(buffer.bytes).i16(36);
    };
    expect(copy(mfn(h.b, 12), 4)).toBe(GNTST.okay);
    expect(h.b.p2m.read(0x8000_0000n + 12n * 4096n, 4)).toEqual(Uint8Array.of(9, 8, 7, 6));
    expect(copy(mfn(h.a, 12), 4)).toBe(GNTST.bad_page);      // the destination is not domain 2's
    expect(copy(mfn(h.b, 12), 200, 4000)).toBe(GNTST.bad_copy_arg);
    expect(grants.flags(8)).toBe(GTF.permit_access | GTF.readonly); // no reading bit left behind
    // A read-only grant as a copy's destination is refused.
    const toGrant = new Fields(new Uint8Array(40)).setU64(0, mfn(h.b, 12)).setU16(8, DOMID_SELF).setU32(16, 8).setU16(24, 1).setU16(32, 4).setU16(34, 2);
    const { caller, buffer } = asDomain(h.hv, h.db, toGrant.bytes);
    h.hv.hypercall(caller, HYPERCALL.grant_table_op, [BigInt(GNTTABOP.copy), buffer.base, 1n, 0n, 0n, 0n]);
    expect(new Fields(buffer.bytes).i16(36)).toBe(GNTST.general_error);
  });

  it('setup_table gives a domain its own grant frame, and only its own', () => {
    const s = new Fields(new Uint8Array(24 + 8)).setU16(0, DOMID_SELF).setU32(4, 1).setU64(16, 0x4000_0000n + 24n);
    const { caller, buffer } = asDomain(h.hv, h.da, s.bytes);
    expect(h.hv.hypercall(caller, HYPERCALL.grant_table_op, [BigInt(GNTTABOP.setup_table), buffer.base, 1n, 0n, 0n, 0n])).toBe(0);
    const out = new Fields(buffer.bytes);
    expect([out.i16(8), out.u64(24)]).toEqual([GNTST.okay, mfn(h.a, 4)]);
    out.setU16(0, 2);
    expect(h.hv.hypercall(caller, HYPERCALL.grant_table_op, [BigInt(GNTTABOP.setup_table), buffer.base, 1n, 0n, 0n, 0n])).toBe(0);
    expect(new Fields(buffer.bytes).i16(8)).toBe(GNTST.bad_domain);
    expect(h.hv.frames.typeOf(mfn(h.a, 4))).toBe(PageType.None);
  });
});
