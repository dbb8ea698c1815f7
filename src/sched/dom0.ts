/**
 * A driver domain (Xen's dom0) as a vCPU of the host: the backends that serve the guests' I/O run
 * in it, so their work takes CPU time on the same pCPUs, under the same scheduler, as the guests
 * (the seed: "processing I/O requests by the VMM also consumes CPU time"; Gupta et al.,
 * Middleware'06, measure this time and charge it to the guest it served: here it is charged to
 * dom0 and recorded per client). A request waits in dom0's queue until dom0 runs and has done its
 * work; dom0 blocks when the queue is empty and a request wakes it (an event-channel
 * notification: under Credit, a BOOST).
 *
 * Two backends are served here:
 * - the console's: every guest's console output is a request to it, as Xen's PV console (a ring to
 *   xenconsoled in dom0) makes it; what the guest wrote in one piece of its run is one request. Its
 *   price comes from the cost model: taking the notification and sending the response's (two exit
 *   round trips), decoding the request (one emulated instruction) and copying its bytes (one
 *   instruction each).
 * - the block backend of PV guests (src/pv/backends/block.ts): a frontend's notification is a job
 *   queued here; when dom0 reaches it, the backend carries out the ring's requests (their grant
 *   copies) and the job is priced by what it did: the notification taken and the response's sent
 *   (two exit round trips), per ring request the decoding (one emulated instruction), per segment
 *   a GNTTABOP_copy hypercall (an exit round trip, `exit.grant_table_op`: dom0 is a PV domain in
 *   Xen), a cycle per byte copied at the CPI. When dom0 has done
 *   that much, the responses are published and the event sent (`onServed`: the guest wakes).
 */
import { exitCost, type CostModel } from '../cost/model.js';
import type { Clock } from './time.js';
import type { Host } from './host.js';
import type { BodyEnd, HostVcpu, VcpuBody } from './vcpu.js';
import type { BackendJob, BlockWork } from '../pv/backends/block.js';

export type RequestKind = 'console' | 'block';

interface Request {
  client: string;
  kind: RequestKind;
  at: number;
  /** Bytes moved (known at once for the console; for a block job when dom0 takes it). */
  bytes: number;
  /** dom0's time for it, once known, and what is left of it. */
  cost: number | undefined;
  left: number;
  job?: BackendJob;
  work?: BlockWork;
}

/** What dom0 did for one client VM, in all and by backend. */
export class ClientRecord {
  requests = 0;
  bytes = 0;
  cpuNs = 0;
  /** From the request to its completion by dom0. */
  readonly latencies: number[] = [];
  /** The block backend's part: jobs (notifications served), ring requests, bytes, dom0's time, latencies. */
  readonly block = { jobs: 0, requests: 0, bytes: 0, cpuNs: 0, latencies: [] as number[] };
}

export class DriverDomain implements VcpuBody {
  readonly service = true;
  readonly clients = new Map<string, ClientRecord>();
  vcpu: HostVcpu | undefined;
  private readonly queue: Request[] = [];
  /** Called when a block job is complete (responses published, the event sent), with its client and the time. */
  onServed: ((client: string, at: number) => void) | undefined;
  /** While a job completes: its time (a job the backend queues then is queued at it). */
  completingAt: number | undefined;

  constructor(private readonly host: Host, private readonly cost: CostModel, private readonly clock: Clock) {}

  /** The cycles dom0 spends on a request of `bytes`. */
  requestCycles(bytes: number): number {
    const exit = this.cost.exit.default ?? 0;
    return 2 * exit + this.cost.emulate + bytes * this.cost.cpi;
  }

  /** The cycles dom0 spends on a block job that did `w`. */
  blockCycles(w: BlockWork): number {
    const exit = this.cost.exit.default ?? 0;
    return 2 * exit + w.requests * this.cost.emulate + w.copies * exitCost(this.cost, 'grant_table_op') + w.bytes * this.cost.cpi;
  }

  /** A console request from `client` at time `at`: queued, and dom0 notified. */
  submit(client: string, at: number, bytes: number): void {
    const cost = this.clock.ns(this.requestCycles(bytes));
    this.enqueue({ client, kind: 'console', at, bytes, left: cost, cost });
  }

  /** A block frontend's notification from `client` at time `at`: the backend's job, done when dom0 reaches it. */
  submitJob(client: string, at: number, job: BackendJob): void {
    this.enqueue({ client, kind: 'block', at, bytes: 0, left: 0, cost: undefined, job });
  }

  private enqueue(r: Request): void {
    this.queue.push(r);
    if (this.vcpu?.state === 'blocked') this.host.wakeAt(this.vcpu, r.at);
  }

  run(now: number, ns: number): { ran: number; end: BodyEnd } {
    let ran = 0;
    while (this.queue.length && ran < ns) {
      const r = this.queue[0];
      if (r.cost === undefined) {
        // dom0 takes the job now: the backend carries out the requests, and the time that takes is what it did.
        r.work = r.job!.take();
        r.bytes = r.work.bytes;
        r.cost = r.left = this.clock.ns(this.blockCycles(r.work));
      }
      const step = Math.min(r.left, ns - ran);
      r.left -= step;
      ran += step;
      if (r.left > 0) break;
      this.queue.shift();
      const c = this.client(r.client), at = now + ran;
      c.requests++;
      c.bytes += r.bytes;
      c.cpuNs += r.cost;
      c.latencies.push(at - r.at);
      if (r.kind === 'block') {
        const b = c.block;
        b.jobs++;
        b.requests += r.work!.requests;
        b.bytes += r.bytes;
        b.cpuNs += r.cost;
        b.latencies.push(at - r.at);
        this.completingAt = at;
        try { r.job!.complete(); } finally { this.completingAt = undefined; } // the responses published, the event sent
        this.onServed?.(r.client, at);
      }
    }
    return { ran, end: this.queue.length ? 'slice' : 'block' };
  }

  wakeTime(): number { return Infinity; }
  outcome(): string { return 'running'; }

  private client(name: string): ClientRecord {
    let c = this.clients.get(name);
    if (!c) this.clients.set(name, (c = new ClientRecord()));
    return c;
  }
}
