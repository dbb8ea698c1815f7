/**
 * The block backend (blkback's part, io/blkif.h) on a BlockStore: the toolstack announces
 * device/vbd/768 in XenStore; when the frontend says Initialised, the backend maps its granted
 * ring, binds its event channel and says Connected with the disk's size. Each notification drains
 * the ring: every request is copied out of it first, then checked (operation, segment count, sector
 * bounds within the page and the disk) and served with grant copies into or out of the frontend's
 * granted pages, each copy checked by the hypervisor. A malformed ring (the frontend claiming more
 * requests than it holds) stops the device; a bad request only gets BLKIF_RSP_ERROR.
 *
 * Where the work is done: by default at once, inside the frontend's notification (the hypervisor
 * calls dom0's handler synchronously). With `defer` set, a notification only hands a job to it (a
 * driver domain with a vCPU of its own, src/sched/dom0.ts): the job's `take` carries out the
 * requests (the grant copies) when dom0 runs, and its `complete` publishes the responses and sends
 * the event when dom0 has done that work.
 */
import type { PvDomain } from '../domain.js';
import type { Backends, DeviceBackend } from './backends.js';
import { BackRing, RingError } from '../ring.js';
import { GNTMAP, GNTST, DOMID_0 } from '../abi.js';
import { Fields } from '../guest-access.js';
import { XenStore } from '../xenstore.js';
import { SECTOR, type BlockStore } from '../../vdev/block-store.js';
import { MigrationStateError, type StateReader, type StateRecord } from '../../vmm/state-reader.js';
import { ringIndices, ringRecord } from './ring-state.js';

export const BLKIF = { OP_READ: 0, OP_WRITE: 1, OP_FLUSH_DISKCACHE: 3, RSP_OKAY: 0, RSP_ERROR: -1, RSP_EOPNOTSUPP: -2, MAX_SEGMENTS: 11 } as const;
export const BLKIF_REQUEST_SIZE = 112, BLKIF_RESPONSE_SIZE = 16;
const VDEV = 768;
const STATE = { InitWait: 2, Initialised: 3, Connected: 4, Closing: 5 } as const;

interface Connection { ring: BackRing; dom0Port: number; ringRef: number; guestPort: number; broken?: string }

/** What one pass over a ring did: the requests taken, the grant copies made and the bytes they moved. */
export interface BlockWork { requests: number; copies: number; bytes: number }

/** One notification's work, for a driver domain to do in two parts: the requests, then the responses and the event. */
export interface BackendJob {
  /** The domain served. */
  readonly domid: number;
  /** Takes every pending request and carries it out (responses queued, not yet published). */
  take(): BlockWork;
  /** Publishes the responses and notifies the frontend; more requests found then are another job. */
  complete(): void;
}

export class BlockBackend implements DeviceBackend {
  readonly kind = 'vbd';
  readonly connections = new Map<number, Connection>();
  readonly counts = { requests: 0, errors: 0 };
  /** A driver domain that does the work later (its vCPU scheduled); unset: at once. */
  defer: ((job: BackendJob) => void) | undefined;
  private work: BlockWork = { requests: 0, copies: 0, bytes: 0 };

  constructor(private readonly backends: Backends, readonly disk: BlockStore) {}

  private paths(domid: number) {
    return { front: `${XenStore.domainPath(domid)}/device/vbd/${VDEV}`, back: `${XenStore.domainPath(DOMID_0)}/backend/vbd/${domid}/${VDEV}` };
  }

  announce(d: PvDomain): void {
    const store = this.backends.store, { front, back } = this.paths(d.id);
    for (const [k, v] of [['frontend', front], ['frontend-id', String(d.id)], ['sectors', String(this.disk.sectors)],
      ['sector-size', String(SECTOR)], ['mode', this.disk.readonly ? 'r' : 'w'], ['state', String(STATE.InitWait)]]) store.write(`${back}/${k}`, v);
    store.grantRead(back, d.id);
    store.write(`${front}/backend`, back, DOMID_0, d.id);
    store.write(`${front}/backend-id`, '0', DOMID_0, d.id);
    store.write(`${front}/state`, '1', DOMID_0, d.id);
    this.awaitFrontend(d);
  }

  private awaitFrontend(d: PvDomain): void {
    this.backends.store.watch(`${this.paths(d.id).front}/state`, (_p, value, writer) => { if (writer === d.id && value === String(STATE.Initialised)) this.connect(d); });
  }

  detach(d: PvDomain): void { this.connections.delete(d.id); }

  /** The frontend is ready: its ring-ref and event-channel (untrusted numbers) are taken up. */
  private connect(d: PvDomain): void {
    const store = this.backends.store, { front, back } = this.paths(d.id);
    if (this.connections.has(d.id)) return;
    const ref = Number(store.get(`${front}/ring-ref`)), port = Number(store.get(`${front}/event-channel`));
    if (!Number.isInteger(ref) || !Number.isInteger(port)) { store.write(`${back}/state`, String(STATE.Closing)); return; }
    const conn = this.open(d, ref, port);
    if (!conn) { store.write(`${back}/state`, String(STATE.Closing)); return; }
    store.write(`${back}/state`, String(STATE.Connected));
  }

  /** Maps the ring granted as `ref` and binds the frontend's `port`: the connection, or undefined when either is refused. */
  private open(d: PvDomain, ringRef: number, guestPort: number): Connection | undefined {
    const hv = this.backends.hv;
    const mapped = hv.grants.map(DOMID_0, d.id, ringRef, GNTMAP.host_map);
    if (mapped.status !== GNTST.okay) return undefined;
    const dom0Port = hv.dom0Channels.bindInterdomain(d.id, guestPort);
    if (dom0Port < 0) { hv.grants.unmap(DOMID_0, mapped.handle!); return undefined; }
    const conn: Connection = { ring: new BackRing(mapped.page!, BLKIF_REQUEST_SIZE, BLKIF_RESPONSE_SIZE).attach(), dom0Port, ringRef, guestPort };
    this.connections.set(d.id, conn);
    hv.onDom0Event(dom0Port, () => (this.defer ? this.defer(this.job(d.id, conn)) : this.serve(d.id, conn)));
    return conn;
  }

  /**
   * Every request on the ring answered, the disk flushed. Serving here is synchronous; a migrating VM
   * has a host of its own, with no driver domain holding a deferred job.
   */
  quiesce(d: PvDomain): void {
    const c = this.connections.get(d.id);
    if (c) this.serve(d.id, c);
    this.disk.flush?.();
  }

  save(d: PvDomain): StateRecord | false {
    const c = this.connections.get(d.id);
    if (!c) return false;
    return { ringRef: c.ringRef, port: c.guestPort, ...ringRecord(c.ring), broken: c.broken ?? false, sectors: this.disk.sectors };
  }

  restore(d: PvDomain, r: StateReader | false): void {
    this.awaitFrontend(d);
    if (r === false) return;
    const sectors = r.int('sectors', 0, Number.MAX_SAFE_INTEGER);
    if (sectors !== this.disk.sectors) throw new MigrationStateError(`${r.what}: the disk had ${sectors} sectors at the source, ${this.disk.sectors} here: not the same storage`);
    const ring = ringIndices(r);
    const c = this.open(d, r.int('ringRef', 0, 0xffff_ffff), r.int('port', 1, 1023));
    if (!c) throw new MigrationStateError(`${r.what}: the ring's grant or the frontend's port cannot be taken up here`);
    Object.assign(c.ring, ring);
    if (!r.isFalse('broken')) c.broken = r.string('broken', 1000);
  }

  /** At once: every pass until the ring is empty at the final check. */
  private serve(domid: number, c: Connection): void {
    do this.take(domid, c); while (this.complete(domid, c));
  }

  private job(domid: number, c: Connection): BackendJob {
    return {
      domid,
      take: () => this.take(domid, c),
      complete: () => { if (this.complete(domid, c) && this.defer) this.defer(this.job(domid, c)); },
    };
  }

  /** Copies every pending request out of the ring and carries it out; the responses wait in the ring, unpublished. */
  private take(domid: number, c: Connection): BlockWork {
    const work = (this.work = { requests: 0, copies: 0, bytes: 0 });
    if (c.broken) return work;
    this.guard(domid, c, () => {
      for (let n = c.ring.pending(); n > 0; n--) c.ring.putResponse(this.handle(domid, c.ring.takeRequest(BLKIF_REQUEST_SIZE)));
    });
    return work;
  }

  /** Publishes the responses (an event if the frontend asked for one); whether requests came in meanwhile. */
  private complete(domid: number, c: Connection): boolean {
    if (c.broken) return false;
    let more = false;
    this.guard(domid, c, () => {
      if (c.ring.pushResponses()) this.backends.hv.dom0Channels.send(c.dom0Port);
      more = c.ring.finalCheck() > 0;
    });
    return more;
  }

  /** A malformed ring stops the device (Closing); the host carries on. */
  private guard(domid: number, c: Connection, f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof RingError)) throw e;
      c.broken = e.message;
      this.backends.store.write(`${this.paths(domid).back}/state`, String(STATE.Closing));
    }
  }

  /** One request, already copied out of the ring: its response. */
  private handle(domid: number, bytes: Uint8Array): Uint8Array {
    this.counts.requests++;
    this.work.requests++;
    const r = new Fields(bytes);
    const op = r.u8(0), nseg = r.u8(1), id = r.u64(8), sector = r.u64(16);
    const status = this.carryOut(domid, r, op, nseg, sector);
    if (status !== BLKIF.RSP_OKAY) this.counts.errors++;
    return new Fields(new Uint8Array(BLKIF_RESPONSE_SIZE)).setU64(0, id).setU8(8, op).setI16(10, status).bytes;
  }

  private carryOut(domid: number, r: Fields, op: number, nseg: number, sector: bigint): number {
    if (op === BLKIF.OP_FLUSH_DISKCACHE) return BLKIF.RSP_OKAY;
    if (op !== BLKIF.OP_READ && op !== BLKIF.OP_WRITE) return BLKIF.RSP_EOPNOTSUPP;
    if (nseg < 1 || nseg > BLKIF.MAX_SEGMENTS || (op === BLKIF.OP_WRITE && this.disk.readonly)) return BLKIF.RSP_ERROR;
    const segs = [];
    let total = 0;
    for (let i = 0; i < nseg; i++) {
      const gref = r.u32(24 + 8 * i), first = r.u8(28 + 8 * i), last = r.u8(29 + 8 * i);
      if (first > last || last >= 4096 / SECTOR) return BLKIF.RSP_ERROR;
      segs.push({ gref, first, count: last - first + 1 });
      total += last - first + 1;
    }
    if (sector > BigInt(this.disk.sectors) || BigInt(total) > BigInt(this.disk.sectors) - sector) return BLKIF.RSP_ERROR;
    const grants = this.backends.hv.grants;
    let at = Number(sector);
    for (const s of segs) {
      const len = s.count * SECTOR, off = s.first * SECTOR;
      let rc: number;
      if (op === BLKIF.OP_READ) {
        rc = grants.copy(DOMID_0, { kind: 'host', bytes: this.disk.read(at, s.count), offset: 0 }, { kind: 'gref', domid, ref: s.gref, offset: off }, len);
      } else {
        const buf = new Uint8Array(len);
        rc = grants.copy(DOMID_0, { kind: 'gref', domid, ref: s.gref, offset: off }, { kind: 'host', bytes: buf, offset: 0 }, len);
        if (rc === GNTST.okay) this.disk.write(at, buf);
      }
      this.work.copies++;
      if (rc !== GNTST.okay) return BLKIF.RSP_ERROR;
      this.work.bytes += len;
      at += s.count;
    }
    return BLKIF.RSP_OKAY;
  }
}
