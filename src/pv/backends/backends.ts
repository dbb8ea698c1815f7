/**
 * The toolstack: what dom0 sets up for each PV domain it builds. The console and the store are
 * pages of the guest named in start_info, each with an event channel the toolstack allocates in
 * the guest (unbound, offered to dom0) and binds from dom0; the split-driver devices are
 * announced in XenStore and connected when their frontend says it is ready.
 */
import { GUEST_RAM_BASE } from '../../vmm/vm.js';
import type { Hypervisor } from '../hypervisor.js';
import type { PvDomain } from '../domain.js';
import { mapForeign, type MappedPage } from '../grant-table.js';
import { setStartInfoPorts } from '../builder.js';
import { XenStore, XenStoreConnection } from '../xenstore.js';
import { ConsoleBackend } from './console.js';
import { DOMID_0 } from '../abi.js';

/** A device backend for one domain: connected when the frontend's XenStore state says so. */
export interface DeviceBackend {
  /** Announces the device in XenStore (the backend's nodes, the frontend's directory). */
  announce(d: PvDomain): void;
  /** Disconnects the domain (it is being destroyed). */
  detach?(d: PvDomain): void;
}

export class Backends {
  readonly store = new XenStore();
  readonly consoles = new Map<number, ConsoleBackend>();
  readonly storeConnections = new Map<number, XenStoreConnection>();
  readonly devices: DeviceBackend[] = [];

  constructor(readonly hv: Hypervisor) {}

  /** Adds a device every domain built from now on gets. */
  addDevice(device: DeviceBackend): void { this.devices.push(device); }

  /** A channel from the guest to dom0: the guest's port (for start_info) and dom0's, with its handler. */
  connect(d: PvDomain, handler: () => void): { guestPort: number; dom0Port: number } {
    const guestPort = d.channels.allocUnbound(DOMID_0);
    const dom0Port = this.hv.dom0Channels.bindInterdomain(d.id, guestPort);
    if (guestPort < 0 || dom0Port < 0) throw new Error(`cannot connect an event channel to domain ${d.id}`);
    this.hv.onDom0Event(dom0Port, handler);
    return { guestPort, dom0Port };
  }

  /** The guest's page at `pfn`, mapped by dom0. */
  foreign(d: PvDomain, pfn: number): MappedPage {
    const page = mapForeign(this.hv.machine, this.hv.frames, d.id, d.mfnOfPfn(pfn));
    if (!page) throw new Error(`domain ${d.id} does not own pfn ${pfn}`);
    return page;
  }

  /** A domain going away: its devices and XenStore nodes go with it. */
  detach(d: PvDomain): void {
    for (const dev of this.devices) dev.detach?.(d);
    this.consoles.delete(d.id);
    this.storeConnections.delete(d.id);
    this.store.forgetDomain(d.id);
  }

  /** Connects a freshly built domain's console, store and devices. */
  attach(d: PvDomain): void {
    let consolePort = 0, storePort = 0;
    const consolePage = this.foreign(d, d.layout.consolePfn);
    const console = new ConsoleBackend(consolePage, (bytes) => d.vm.consoleLog.write(bytes), () => this.hv.dom0Channels.send(consoleCh.dom0Port));
    const consoleCh = this.connect(d, () => console.serve());
    consolePort = consoleCh.guestPort;
    this.consoles.set(d.id, console);

    const conn = new XenStoreConnection(this.store, this.foreign(d, d.layout.storePfn), d.id);
    const storeCh = this.connect(d, () => { if (conn.serve()) this.hv.dom0Channels.send(storeCh.dom0Port); });
    storePort = storeCh.guestPort;
    this.storeConnections.set(d.id, conn);

    this.store.write(XenStore.domainPath(d.id), '', DOMID_0, d.id);
    this.store.write(`${XenStore.domainPath(d.id)}/domid`, String(d.id), DOMID_0, d.id);
    for (const dev of this.devices) dev.announce(d);
    setStartInfoPorts(d.vm, GUEST_RAM_BASE + BigInt(d.layout.startInfoPfn * 4096), consolePort, storePort);
  }
}
