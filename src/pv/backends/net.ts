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
import { ETH_HEADER, ETH_MAX_FRAME, BROADCAST, encodeFrame, macFromString, macToString } from '../../net/ethernet.js';
import { announcement } from '../../net/arp.js';
import { MigrationStateError, base64, fromBase64, type StateReader, type StateRecord } from '../../vmm/state-reader.js';
import { ringIndices, ringRecord } from './ring-state.js';


export const NETIF = { RSP_OKAY: 0, RSP_ERROR: -1, RSP_DROPPED: -2, TXF_more_data: 1 << 2 } as const;
export const TX_REQUEST = 12, TX_RESPONSE = 4, RX_REQUEST = 8, RX_RESPONSE = 8;
const RX_QUEUE = 64;
const STATE = { InitWait: 2, Initialised: 3, Connected: 4, Closing: 5 } as const;

/** The MAC a domain's vif gets: Xen's OUI 00:16:3e, then the domain id. */
export const vifMac = (domid: number): string => macToString(Uint8Array.of(0x00, 0x16, 0x3e, 0, (domid >> 8) & 0xff, domid & 0xff));

/** The grant references of a vif's rings and the frontend's port, as its frontend wrote them in XenStore. */
interface VifRefs { txRef: number; rxRef: number; port: number }

class Vif implements SwitchPort {
  broken: string | undefined;
  readonly queue: Uint8Array[] = [];
  readonly counts = { tx: 0, rx: 0, dropped: 0, errors: 0 };
  constructor(readonly name: string, readonly domid: number, readonly mac: string, readonly tx: BackRing, readonly rx: BackRing,
    readonly dom0Port: number, readonly refs: VifRefs, private readonly owner: NetBackend) {}
  receive(frame: Uint8Array): void {
    if (this.queue.length >= RX_QUEUE) { this.counts.dropped++; return; }
    this.queue.push(frame);
    this.owner.deliver(this);
  }
}

export class NetBackend implements DeviceBackend {
  readonly kind = 'vif';
  readonly vifs = new Map<number, Vif>();
  /**
   * `ip`: the guest's IPv4 address on the switch, as the toolstack knows it (Xen's vif `ip=`
   * setting, kept in the backend's `ip` node): what the vif announces after a migration.
   */
  constructor(private readonly backends: Backends, readonly net: VirtualSwitch, private readonly ip?: string) {}

  private paths(domid: number) {
    return { front: `${XenStore.domainPath(domid)}/device/vif/0`, back: `${XenStore.domainPath(DOMID_0)}/backend/vif/${domid}/0` };
  }

  announce(d: PvDomain): void {
    const store = this.backends.store, { front, back } = this.paths(d.id);
    for (const [k, v] of [['frontend', front], ['frontend-id', String(d.id)], ['mac', vifMac(d.id)], ['feature-rx-copy', '1'], ['state', String(STATE.InitWait)]]) store.write(`${back}/${k}`, v);
    if (this.ip !== undefined) store.write(`${back}/ip`, this.ip);
    store.grantRead(back, d.id);
    for (const [k, v] of [['backend', back], ['backend-id', '0'], ['mac', vifMac(d.id)], ['state', '1']]) store.write(`${front}/${k}`, v, DOMID_0, d.id);
    this.awaitFrontend(d);
  }

  /** Calls `fn` whenever domain `domid`'s vif connects (its backend state becomes Connected): when a client may start. */
  whenConnected(domid: number, fn: () => void): void {
    this.backends.store.watch(`${this.paths(domid).back}/state`, (_p, value) => { if (value === String(STATE.Connected)) fn(); });
  }

  private awaitFrontend(d: PvDomain): void {
    this.backends.store.watch(`${this.paths(d.id).front}/state`, (_p, value, writer) => { if (writer === d.id && value === String(STATE.Initialised)) this.connect(d); });
  }

  detach(d: PvDomain): void {
    const v = this.vifs.get(d.id);
    if (v) { this.net.detach(v); this.vifs.delete(d.id); }
  }

  private connect(d: PvDomain): void {
    const store = this.backends.store, { front, back } = this.paths(d.id);
    if (this.vifs.has(d.id)) return;
    const num = (k: string) => Number(store.get(`${front}/${k}`));
    const [txRef, rxRef, port] = [num('tx-ring-ref'), num('rx-ring-ref'), num('event-channel')];
    const fail = () => store.write(`${back}/state`, String(STATE.Closing));
    if (![txRef, rxRef, port].every(Number.isInteger) || store.get(`${front}/request-rx-copy`) !== '1') return fail();
    if (!this.open(d, { txRef, rxRef, port })) return fail();
    store.write(`${back}/state`, String(STATE.Connected));
  }

  /** Maps both rings, binds the frontend's port and plugs the vif into the switch; undefined when a grant or the port is refused. */
  private open(d: PvDomain, refs: VifRefs): Vif | undefined {
    const hv = this.backends.hv;
    const tx = hv.grants.map(DOMID_0, d.id, refs.txRef, GNTMAP.host_map), rx = hv.grants.map(DOMID_0, d.id, refs.rxRef, GNTMAP.host_map);
    const dom0Port = tx.status === GNTST.okay && rx.status === GNTST.okay ? hv.dom0Channels.bindInterdomain(d.id, refs.port) : -1;
    if (dom0Port < 0) {
      for (const m of [tx, rx]) if (m.status === GNTST.okay) hv.grants.unmap(DOMID_0, m.handle!);
      return undefined;
    }
    const vif = new Vif(`vif${d.id}.0`, d.id, vifMac(d.id), new BackRing(tx.page!, TX_REQUEST, TX_RESPONSE).attach(),
      new BackRing(rx.page!, RX_REQUEST, RX_RESPONSE).attach(), dom0Port, refs, this);
    this.vifs.set(d.id, vif);
    hv.onDom0Event(dom0Port, () => this.serve(vif));
    this.net.attach(vif);
    return vif;
  }

  /** What the frontend queued is sent and what waits for it is delivered, as far as it posted buffers; the rest is carried. */
  quiesce(d: PvDomain): void {
    const v = this.vifs.get(d.id);
    if (v) this.serve(v);
  }

  save(d: PvDomain): StateRecord | false {
    const v = this.vifs.get(d.id);
    if (!v) return false;
    return { ...v.refs, tx: ringRecord(v.tx), rx: ringRecord(v.rx), queue: v.queue.map(base64), broken: v.broken ?? false };
  }

  restore(d: PvDomain, r: StateReader | false): void {
    this.awaitFrontend(d);
    if (r === false) return;
    const tx = ringIndices(r.record('tx')), rx = ringIndices(r.record('rx'));
    const frames = r.strings('queue', RX_QUEUE, 4 * ETH_MAX_FRAME).map((f, i) => {
      const b = fromBase64(f);
      if (!b || b.length < ETH_HEADER || b.length > ETH_MAX_FRAME) throw new MigrationStateError(`${r.what}: frame ${i} in flight is not an Ethernet frame`);
      return b;
    });
    const v = this.open(d, { txRef: r.int('txRef', 0, 0xffff_ffff), rxRef: r.int('rxRef', 0, 0xffff_ffff), port: r.int('port', 1, 1023) });
    if (!v) throw new MigrationStateError(`${r.what}: the rings' grants or the frontend's port cannot be taken up here`);
    Object.assign(v.tx, tx);
    Object.assign(v.rx, rx);
    v.queue.push(...frames);
    if (!r.isFalse('broken')) { v.broken = r.string('broken', 1000); this.net.detach(v); }
  }

  /**
   * The domain runs here now: its vif announces itself (a gratuitous ARP with the guest's address
   * from the backend's `ip` node, else a RARP), so the switch sends its MAC's frames to this port
   * and the hosts talking to it keep its address.
   */
  resumed(d: PvDomain): void {
    const v = this.vifs.get(d.id);
    if (!v || v.broken) return;
    const a = announcement(v.mac, this.backends.store.get(`${this.paths(d.id).back}/ip`));
    this.net.send(v, encodeFrame({ dst: BROADCAST, src: v.mac, ethertype: a.ethertype, payload: a.payload }));
    this.announcements++;
  }
  /** Announcements sent (one per migration in). */
  announcements = 0;

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
