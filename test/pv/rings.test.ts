// Shared rings (io/ring.h): indices that wrap around 2^32, notifications only when the other side
// asked (and the suppressed ones counted), and a block backend facing a hostile frontend: a
// producer index past the ring stops the device without an exception, an out-of-range grant or
// sector gets an error response and moves no byte.
import { describe, it, expect } from 'vitest';
import { FrontRing, BackRing, RingError, ringSize, type RingPage } from '../../src/pv/ring.js';
import { pvHost, mfn } from '../helpers/pv-host.js';
import { Backends } from '../../src/pv/backends/backends.js';
import { BlockBackend, BLKIF, BLKIF_REQUEST_SIZE, BLKIF_RESPONSE_SIZE } from '../../src/pv/backends/block.js';
import { MemoryBlockStore, patternDisk } from '../../src/vdev/block-store.js';
import { GrantEntries, MappedPage } from '../../src/pv/grant-table.js';
import { Fields } from '../../src/pv/guest-access.js';

class MemoryPage implements RingPage {
  readonly bytes = new Uint8Array(4096);
  private readonly v = new DataView(this.bytes.buffer);
  read32(off: number) { return this.v.getUint32(off, true); }
  write32(off: number, x: number) { this.v.setUint32(off, x >>> 0, true); }
  read(off: number, len: number) { return this.bytes.slice(off, off + len); }
  write(off: number, d: Uint8Array) { this.bytes.set(d, off); }
}
const req = (n: number) => new Fields(new Uint8Array(8)).setU32(0, n).bytes;

describe('rings', () => {
  it('sizes are powers of two that fit a page (blkif 32, netif TX/RX 256)', () => {
    expect([ringSize(112), ringSize(12), ringSize(8), ringSize(4096 - 64)]).toEqual([32, 256, 256, 1]);
  });

  it('indices wrap around 2^32: 300 requests through a ring of 8, starting just below the wrap', () => {
    const page = new MemoryPage();
    const front = new FrontRing(page, 8, 8).init(), back = new BackRing(page, 8, 8).attach();
    expect(front.size).toBe(256);
    const start = 0xffff_ff00;
    for (const off of [0, 8]) page.write32(off, start);
    front.reqProdPvt = front.rspCons = back.reqCons = back.rspProdPvt = start;
    const seen: number[] = [];
    for (let i = 0; i < 300; i += 5) {
      for (let k = 0; k < 5; k++) front.putRequest(req(i + k));
      front.pushRequests();
      for (let n = back.pending(); n > 0; n--) { const r = back.takeRequest(8); seen.push(new DataView(r.buffer).getUint32(0, true)); back.putResponse(r); }
      back.pushResponses();
      while (front.responses()) front.takeResponse(8);
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(front.reqProdPvt).toBe((start + 300) >>> 0);
    expect(front.reqProdPvt).toBeLessThan(start);
  });

  it('a notification only when the other side asked: the rest are counted as suppressed', () => {
    const page = new MemoryPage();
    const front = new FrontRing(page, 8, 8).init(), back = new BackRing(page, 8, 8).attach();
    front.putRequest(req(0));
    expect(front.pushRequests()).toBe(true);     // req_event = 1: the backend waits for the first
    front.putRequest(req(1));
    expect(front.pushRequests()).toBe(false);    // it has not looked since: no second notification
    front.putRequest(req(2)); front.putRequest(req(3));
    expect(front.pushRequests()).toBe(false);
    for (let n = back.pending(); n > 0; n--) back.putResponse(back.takeRequest(8));
    expect(back.finalCheck()).toBe(0);           // drained: asks to be told of the next one
    front.putRequest(req(4));
    expect(front.pushRequests()).toBe(true);
    expect(front.counters).toEqual({ notified: 2, suppressed: 2 });
    expect(back.pushResponses()).toBe(true);     // rsp_event = 1
  });

  it('the backend reads each request from the ring once, whole, and works on that copy', () => {
    const page = new MemoryPage();
    const reads: Array<[number, number]> = [];
    const counting: RingPage = { ...page, read32: (o) => page.read32(o), write32: (o, x) => page.write32(o, x),
      read: (o, n) => { reads.push([o, n]); return page.read(o, n); }, write: (o, d) => page.write(o, d) };
    const front = new FrontRing(page, 8, 8).init(), back = new BackRing(counting, 8, 8).attach();
    for (let i = 0; i < 3; i++) front.putRequest(req(i));
    front.pushRequests();
    const copies = [];
    for (let n = back.pending(); n > 0; n--) copies.push(back.takeRequest(8));
    page.write(64, req(99)); // the frontend rewrites slot 0 afterwards: the copy does not change
    expect(reads).toEqual([[64, 8], [72, 8], [80, 8]]);
    expect(copies.map((c) => new DataView(c.buffer).getUint32(0, true))).toEqual([0, 1, 2]);
  });

  it('a producer index past the ring is refused by the backend', () => {
    const page = new MemoryPage();
    const back = new BackRing(page, 8, 8).attach();
    page.write32(0, 257);
    expect(() => back.pending()).toThrow(RingError);
    page.write32(0, 0xffff_fff0);
    expect(() => back.pending()).toThrow(RingError);
  });
});

describe('a block backend facing a hostile frontend', () => {
  async function connected() {
    const h = await pvHost();
    const backends = new Backends(h.hv);
    const disk = new MemoryBlockStore(patternDisk(64 * 512, 7), true);
    const blk = new BlockBackend(backends, disk);
    blk.announce(h.da);
    // The frontend's part, as blkfront does it: ring page 20 and data page 21 granted to dom0, a port offered to dom0.
    const grants = new GrantEntries(h.m, h.hv.grants.framesOf(1)!);
    grants.grant(8, 0, mfn(h.a, 20), false);
    grants.grant(9, 0, mfn(h.a, 21), false);
    const ring = new MappedPage(h.m, mfn(h.a, 20), false, 0);
    const front = new FrontRing(ring, BLKIF_REQUEST_SIZE, BLKIF_RESPONSE_SIZE).init();
    const port = h.da.channels.allocUnbound(0);
    const dev = '/local/domain/1/device/vbd/768';
    backends.store.write(`${dev}/ring-ref`, '8', 1);
    backends.store.write(`${dev}/event-channel`, String(port), 1);
    backends.store.write(`${dev}/state`, '3', 1);
    expect(backends.store.get('/local/domain/0/backend/vbd/1/768/state')).toBe('4');
    const read = (id: number, gref: number, sector: bigint, first = 0, last = 7) => {
      front.putRequest(new Fields(new Uint8Array(BLKIF_REQUEST_SIZE)).setU8(0, BLKIF.OP_READ).setU8(1, 1).setU16(2, 768)
        .setU64(8, BigInt(id)).setU64(16, sector).setU32(24, gref).setU8(28, first).setU8(29, last).bytes);
    };
    const kick = () => { front.pushRequests(); h.da.channels.send(port); };
    const responses = () => { const out = []; while (front.responses()) { const r = new Fields(front.takeResponse(BLKIF_RESPONSE_SIZE)); out.push([Number(r.u64(0)), r.i16(10)]); } return out; };
    return { h, blk, disk, ring, front, read, kick, responses, backends, port };
  }

  it('serves a good read, and answers an out-of-range grant, sector or segment with an error, moving no byte', async () => {
    const t = await connected();
    const data = () => t.h.a.p2m.read(0x8000_0000n + 21n * 4096n, 4096);
    t.read(1, 9, 8n);
    t.read(2, 4000, 0n);           // a grant reference past the table
    t.read(3, 9, 60n);             // 8 sectors from 60 on a 64-sector disk
    t.read(4, 9, 0n, 3, 9);        // last sector 9 of a 4 KiB page
    t.read(5, 8, 0n, 7, 3);        // first > last
    t.kick();
    expect(t.responses()).toEqual([[1, 0], [2, BLKIF.RSP_ERROR], [3, BLKIF.RSP_ERROR], [4, BLKIF.RSP_ERROR], [5, BLKIF.RSP_ERROR]]);
    expect(data()).toEqual(t.disk.read(8, 8));
    expect(t.blk.counts).toEqual({ requests: 5, errors: 4 });
  });

  it('a producer index past the ring stops the device: no exception, no response, the backend says Closing', async () => {
    const t = await connected();
    t.read(1, 9, 0n);
    t.front.pushRequests();
    t.ring.write32(0, 1000);
    expect(() => t.h.da.channels.send(t.port)).not.toThrow();
    expect(t.responses()).toEqual([]);
    expect(t.backends.store.get('/local/domain/0/backend/vbd/1/768/state')).toBe('5');
    expect(t.blk.counts.requests).toBe(0);
  });

  it('deferred to a driver domain: nothing is served until the job runs; bad requests get errors and a hostile ring stops the device there', async () => {
    const t = await connected();
    const jobs: import('../../src/pv/backends/block.js').BackendJob[] = [];
    t.blk.defer = (job) => jobs.push(job);
    t.read(1, 9, 8n);
    t.read(2, 4000, 0n);
    t.kick();
    expect(jobs.length).toBe(1);
    expect(t.blk.counts.requests).toBe(0);
    expect(jobs[0].take()).toEqual({ requests: 2, copies: 2, bytes: 4096 }); // the bad grant's copy is tried (and refused by the hypervisor)
    expect(t.responses()).toEqual([]); // carried out, not yet published
    jobs[0].complete();
    expect(t.responses()).toEqual([[1, 0], [2, BLKIF.RSP_ERROR]]);
    t.read(3, 9, 0n);
    t.front.pushRequests();
    t.ring.write32(0, 1000);
    expect(() => t.h.da.channels.send(t.port)).not.toThrow();
    const job = jobs[jobs.length - 1];
    expect(() => job.take()).not.toThrow();
    expect(() => job.complete()).not.toThrow();
    expect(t.responses()).toEqual([]);
    expect(t.backends.store.get('/local/domain/0/backend/vbd/1/768/state')).toBe('5');
  });
});
