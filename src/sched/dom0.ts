/**
 * A driver domain (Xen's dom0) as a vCPU of the host: the backends that serve the guests' I/O run
 * in it, so their work takes CPU time on the same pCPUs, under the same scheduler, as the guests
 * (the seed: "processing I/O requests by the VMM also consumes CPU time"; Gupta et al.,
 * Middleware'06, measure this time and charge it to the guest it served: here it is charged to
 * dom0 and recorded per client). A request waits in dom0's queue until dom0 runs and has done its
 * work; dom0 blocks when the queue is empty and a request wakes it (an event-channel
 * notification: under Credit, a BOOST).
 *
 * The backend served here is the console's: every guest's console output is a request to it, as
 * Xen's PV console (a ring to xenconsoled in dom0) makes it; what the guest wrote in one piece of
 * its run is one request. Its price comes from the cost model: taking the notification and sending
 * the response's (two exit round trips), decoding the request (one emulated instruction) and
 * copying its bytes (one instruction each).
 */
import type { CostModel } from '../cost/model.js';
import type { Clock } from './time.js';
import type { Host } from './host.js';
import type { BodyEnd, HostVcpu, VcpuBody } from './vcpu.js';

interface Request { client: string; at: number; bytes: number; left: number; cost: number }

/** What dom0 did for one client VM. */
export class ClientRecord {
  requests = 0;
  bytes = 0;
  cpuNs = 0;
  /** From the request to its completion by dom0. */
  readonly latencies: number[] = [];
}

export class DriverDomain implements VcpuBody {
  readonly service = true;
  readonly clients = new Map<string, ClientRecord>();
  vcpu: HostVcpu | undefined;
  private readonly queue: Request[] = [];

  constructor(private readonly host: Host, private readonly cost: CostModel, private readonly clock: Clock) {}

  /** The cycles dom0 spends on a request of `bytes`. */
  requestCycles(bytes: number): number {
    const exit = this.cost.exit.default ?? 0;
    return 2 * exit + this.cost.emulate + bytes * this.cost.cpi;
  }

  /** A request from `client` at time `at`: queued, and dom0 notified. */
  submit(client: string, at: number, bytes: number): void {
    const cost = this.clock.ns(this.requestCycles(bytes));
    this.queue.push({ client, at, bytes, left: cost, cost });
    if (this.vcpu?.state === 'blocked') this.host.wakeAt(this.vcpu, at);
  }

  run(now: number, ns: number): { ran: number; end: BodyEnd } {
    let ran = 0;
    while (this.queue.length && ran < ns) {
      const r = this.queue[0], step = Math.min(r.left, ns - ran);
      r.left -= step;
      ran += step;
      if (r.left > 0) break;
      this.queue.shift();
      const c = this.client(r.client);
      c.requests++;
      c.bytes += r.bytes;
      c.cpuNs += r.cost;
      c.latencies.push(now + ran - r.at);
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
