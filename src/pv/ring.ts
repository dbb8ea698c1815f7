/**
 * Shared I/O rings (xen/include/public/io/ring.h): one page, a 64-byte header { req_prod,
 * req_event, rsp_prod, rsp_event, padding } and a power-of-two array of entries, each big enough
 * for a request or a response. The frontend produces requests and consumes responses, the backend
 * the other way round; indices are free-running 32-bit counters. A side notifies the other only
 * when the other asked for it (the *_event index), so a busy ring runs without notifications.
 *
 * The backend never trusts the page: it reads req_prod once per pass and refuses a ring whose
 * frontend claims more requests than the ring holds (RING_REQUEST_PROD_OVERFLOW), and copies each
 * request out of the ring before looking at it (RING_COPY_REQUEST), so a frontend rewriting it
 * meanwhile changes nothing.
 */

/** What a ring sits in: a granted page the backend mapped, or a frontend's own page. */
export interface RingPage {
  read32(off: number): number;
  write32(off: number, v: number): void;
  read(off: number, len: number): Uint8Array;
  write(off: number, data: Uint8Array): void;
}

export const RING_HEADER = 64;
const REQ_PROD = 0, REQ_EVENT = 4, RSP_PROD = 8, RSP_EVENT = 12;
const u32 = (x: number) => x >>> 0;

/** __RING_SIZE: entries per page, rounded down to a power of two. */
export function ringSize(entryBytes: number): number {
  let n = Math.floor((4096 - RING_HEADER) / entryBytes);
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

export class RingError extends Error {}

/** Counters both sides keep: notifications sent, and the ones the protocol let them skip. */
export interface RingCounters { notified: number; suppressed: number }

abstract class RingEnd {
  readonly size: number;
  readonly entryBytes: number;
  readonly counters: RingCounters = { notified: 0, suppressed: 0 };
  constructor(readonly page: RingPage, reqBytes: number, rspBytes: number) {
    this.entryBytes = Math.max(reqBytes, rspBytes);
    this.size = ringSize(this.entryBytes);
  }
  protected slot(idx: number): number { return RING_HEADER + (idx & (this.size - 1)) * this.entryBytes; }
  /** RING_PUSH_*_AND_CHECK_NOTIFY: publish `next` at `prodOff`; notify only if the event index lies in (old, next]. */
  protected push(prodOff: number, eventOff: number, next: number): boolean {
    const old = this.page.read32(prodOff);
    this.page.write32(prodOff, next);
    const notify = u32(next - this.page.read32(eventOff)) < u32(next - old);
    if (notify) this.counters.notified++;
    else if (next !== old) this.counters.suppressed++;
    return notify;
  }
}

/** The backend's end: consumes requests, produces responses. */
export class BackRing extends RingEnd {
  reqCons = 0;
  rspProdPvt = 0;

  /** BACK_RING_INIT, on a ring the frontend initialised (every index 0, the event indices 1). */
  attach(): this { this.reqCons = 0; this.rspProdPvt = 0; return this; }

  /**
   * The requests waiting now (RING_HAS_UNCONSUMED_REQUESTS), from one read of req_prod; throws a
   * RingError when the frontend claims more than the ring can hold.
   */
  pending(): number {
    const prod = this.page.read32(REQ_PROD);
    if (u32(prod - this.rspProdPvt) > this.size) {
      throw new RingError(`frontend produced ${u32(prod - this.rspProdPvt)} requests on a ring of ${this.size}`);
    }
    const req = u32(prod - this.reqCons);
    const room = this.size - u32(this.reqCons - this.rspProdPvt);
    return Math.min(req, room);
  }

  /** RING_COPY_REQUEST of the next request, consumed. */
  takeRequest(reqBytes: number): Uint8Array {
    const r = this.page.read(this.slot(this.reqCons), reqBytes);
    this.reqCons = u32(this.reqCons + 1);
    return r;
  }

  /** Writes a response in the next free slot (not yet visible to the frontend). */
  putResponse(rsp: Uint8Array): void {
    this.page.write(this.slot(this.rspProdPvt), rsp);
    this.rspProdPvt = u32(this.rspProdPvt + 1);
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: whether the frontend must be notified. */
  pushResponses(): boolean { return this.push(RSP_PROD, RSP_EVENT, this.rspProdPvt); }

  /** RING_FINAL_CHECK_FOR_REQUESTS: asks to be notified of the next request, then looks once more. */
  finalCheck(): number {
    const n = this.pending();
    if (n) return n;
    this.page.write32(REQ_EVENT, u32(this.reqCons + 1));
    return this.pending();
  }
}

/** The frontend's end: produces requests, consumes responses. */
export class FrontRing extends RingEnd {
  reqProdPvt = 0;
  rspCons = 0;

  /** SHARED_RING_INIT and FRONT_RING_INIT. */
  init(): this {
    this.page.write(0, new Uint8Array(RING_HEADER));
    this.page.write32(REQ_EVENT, 1);
    this.page.write32(RSP_EVENT, 1);
    this.reqProdPvt = this.rspCons = 0;
    return this;
  }
  /** Free request slots (RING_FREE_REQUESTS). */
  get free(): number { return this.size - u32(this.reqProdPvt - this.rspCons); }

  putRequest(req: Uint8Array): void {
    if (this.free === 0) throw new RingError('the ring is full');
    this.page.write(this.slot(this.reqProdPvt), req);
    this.reqProdPvt = u32(this.reqProdPvt + 1);
  }
  /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. */
  pushRequests(): boolean { return this.push(REQ_PROD, REQ_EVENT, this.reqProdPvt); }

  /** Responses waiting (RING_HAS_UNCONSUMED_RESPONSES). */
  responses(): number { return u32(this.page.read32(RSP_PROD) - this.rspCons); }
  takeResponse(rspBytes: number): Uint8Array {
    const r = this.page.read(this.slot(this.rspCons), rspBytes);
    this.rspCons = u32(this.rspCons + 1);
    return r;
  }
  /** RING_FINAL_CHECK_FOR_RESPONSES. */
  finalCheck(): number {
    const n = this.responses();
    if (n) return n;
    this.page.write32(RSP_EVENT, u32(this.rspCons + 1));
    return this.responses();
  }
}
