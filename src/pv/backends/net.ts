/**
 * The network backend (netback's part, io/netif.h, rx-copy mode): a vif of each domain plugged
 * into a virtual switch. The frontend posts receive buffers (granted pages) on the RX ring and
 * transmit requests on the TX ring; the backend copies every request out before checking it, copies
 * a transmitted frame out of the granted page (a grant copy) into the switch, and copies frames the
 * switch delivers into posted buffers. Frames arriving with no buffer posted wait in a bounded
 * queue, then are dropped. A malformed ring stops the vif; a bad request gets NETIF_RSP_ERROR.
 */
import type { PvDomain } from '../domain.js';
import type { Backends, DeviceBackend } from './backends.js';
import { BackRing, RingError } from '../ring.js';
import { GNTMAP, GNTST, DOMID_0 } from '../abi.js';
import { Fields } from '../guest-access.js';
import { XenStore } from '../xenstore.js';
import type { SwitchPort, VirtualSwitch } from '../../net/switch.js';
import { ETH_HEADER, ETH_MAX_FRAME, macFromString, macToString } from '../../net/ethernet.js';

export const NETIF = { RSP_OKAY: 0, RSP_ERROR: -1, RSP_DROPPED: -2, TXF_more_data: 1 << 2 } as const;
export const TX_REQUEST = 12, TX_RESPONSE = 4, RX_REQUEST = 8, RX_RESPONSE = 8;
const RX_QUEUE = 64;
const STATE = { InitWait: 2, Initialised: 3, Connected: 4, Closing: 5 } as const;

/** The MAC a domain's vif gets: Xen's OUI 00:16:3e, then the domain id. */
export const vifMac = (domid: number): string => macToString(Uint8Array.of(0x00, 0x16, 0x3e, 0, (domid >> 8) & 0xff, domid & 0xff));

class Vif implements SwitchPort {
  broken: string | undefined;
  readonly queue: Uint8Array[] = [];
  readonly counts = { tx: 0, rx: 0, dropped: 0, errors: 0 };
  constructor(readonly name: string, readonly domid: number, readonly mac: string, readonly tx: BackRing, readonly rx: BackRing,
    readonly dom0Port: number, private readonly owner: NetBackend) {}
  receive(frame: Uint8Array): void {
    if (this.queue.length >= RX_QUEUE) { this.counts.dropped++; return; }
    this.queue.push(frame);
    this.owner.deliver(this);
  }
}

export class NetBackend implements DeviceBackend {
  readonly vifs = new Map<number, Vif>();
  constructor(private readonly backends: Backends, readonly net: VirtualSwitch) {}

  private paths(domid: number) {
    return { front: `${XenStore.domainPath(domid)}/device/vif/0`, back: `${XenStore.domainPath(DOMID_0)}/backend/vif/${domid}/0` };
  }

  announce(d: PvDomain): void {
    const store = this.backends.store, { front, back } = this.paths(d.id);
    for (const [k, v] of [['frontend', front], ['frontend-id', String(d.id)], ['mac', vifMac(d.id)], ['feature-rx-copy', '1'], ['state', String(STATE.InitWait)]]) store.write(`${back}/${k}`, v);
    store.grantRead(back, d.id);
    for (const [k, v] of [['backend', back], ['backend-id', '0'], ['mac', vifMac(d.id)], ['state', '1']]) store.write(`${front}/${k}`, v, DOMID_0, d.id);
    store.watch(`${front}/state`, (_p, value, writer) => { if (writer === d.id && value === String(STATE.Initialised)) this.connect(d); });
  }

  detach(d: PvDomain): void {
    const v = this.vifs.get(d.id);
    if (v) { this.net.detach(v); this.vifs.delete(d.id); }
  }

  private connect(d: PvDomain): void {
    const store = this.backends.store, hv = this.backends.hv, { front, back } = this.paths(d.id);
    if (this.vifs.has(d.id)) return;
    const num = (k: string) => Number(store.get(`${front}/${k}`));
    const [txRef, rxRef, port] = [num('tx-ring-ref'), num('rx-ring-ref'), num('event-channel')];
    const fail = () => store.write(`${back}/state`, String(STATE.Closing));
    if (![txRef, rxRef, port].every(Number.isInteger) || store.get(`${front}/request-rx-copy`) !== '1') return fail();
    const tx = hv.grants.map(DOMID_0, d.id, txRef, GNTMAP.host_map), rx = hv.grants.map(DOMID_0, d.id, rxRef, GNTMAP.host_map);
    const dom0Port = tx.status === GNTST.okay && rx.status === GNTST.okay ? hv.dom0Channels.bindInterdomain(d.id, port) : -1;
    if (dom0Port < 0) return fail();
    const vif = new Vif(`vif${d.id}.0`, d.id, vifMac(d.id), new BackRing(tx.page!, TX_REQUEST, TX_RESPONSE).attach(),
      new BackRing(rx.page!, RX_REQUEST, RX_RESPONSE).attach(), dom0Port, this);
    this.vifs.set(d.id, vif);
    hv.onDom0Event(dom0Port, () => this.serve(vif));
    this.net.attach(vif);
    store.write(`${back}/state`, String(STATE.Connected));
  }

  /** A notification from the frontend: transmit what it queued, then fill any buffers it posted. */
  private serve(v: Vif): void {
    if (v.broken) return;
    this.guard(v, () => {
      const frames: Uint8Array[] = [];
      let more = 0;
      do {
        for (let n = v.tx.pending(); n > 0; n--) v.tx.putResponse(this.transmit(v, v.tx.takeRequest(TX_REQUEST), frames));
        if (v.tx.pushResponses()) this.notify(v);
        more = v.tx.finalCheck();
      } while (more);
      for (const f of frames) this.net.send(v, f);
    });
    this.deliver(v);
  }

  private transmit(v: Vif, bytes: Uint8Array, out: Uint8Array[]): Uint8Array {
    const r = new Fields(bytes);
    const gref = r.u32(0), offset = r.u16(4), flags = r.u16(6), id = r.u16(8), size = r.u16(10);
    const rsp = (status: number) => new Fields(new Uint8Array(TX_RESPONSE)).setU16(0, id).setI16(2, status).bytes;
    if ((flags & NETIF.TXF_more_data) || size < ETH_HEADER || size > ETH_MAX_FRAME || offset + size > 4096) { v.counts.errors++; return rsp(NETIF.RSP_ERROR); }
    const frame = new Uint8Array(size);
    if (this.backends.hv.grants.copy(DOMID_0, { kind: 'gref', domid: v.domid, ref: gref, offset }, { kind: 'host', bytes: frame, offset: 0 }, size) !== GNTST.okay) {
      v.counts.errors++;
      return rsp(NETIF.RSP_ERROR);
    }
    // The source MAC is the vif's own: a guest cannot pose as another host on the switch.
    frame.set(macFromString(v.mac), 6);
    v.counts.tx++;
    out.push(frame);
    return rsp(NETIF.RSP_OKAY);
  }

  /** Copies queued frames into the receive buffers the frontend posted. */
  deliver(v: Vif): void {
    if (v.broken) return;
    this.guard(v, () => {
      let pushed = false;
      while (v.queue.length && v.rx.pending() > 0) {
        const req = new Fields(v.rx.takeRequest(RX_REQUEST));
        const id = req.u16(0), gref = req.u32(4);
        const frame = v.queue.shift()!;
        const rc = this.backends.hv.grants.copy(DOMID_0, { kind: 'host', bytes: frame, offset: 0 }, { kind: 'gref', domid: v.domid, ref: gref, offset: 0 }, frame.length);
        const status = rc === GNTST.okay ? frame.length : NETIF.RSP_ERROR;
        if (rc === GNTST.okay) v.counts.rx++; else v.counts.errors++;
        v.rx.putResponse(new Fields(new Uint8Array(RX_RESPONSE)).setU16(0, id).setU16(2, 0).setU16(4, 0).setI16(6, status).bytes);
        pushed = true;
      }
      if (pushed && v.rx.pushResponses()) this.notify(v);
    });
  }

  private notify(v: Vif): void { this.backends.hv.dom0Channels.send(v.dom0Port); }

  private guard(v: Vif, fn: () => void): void {
    try { fn(); } catch (e) {
      if (!(e instanceof RingError)) throw e;
      v.broken = e.message;
      this.net.detach(v);
      this.backends.store.write(`${this.paths(v.domid).back}/state`, String(STATE.Closing));
    }
  }
}
