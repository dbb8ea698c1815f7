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
import type { StateReader, StateRecord } from '../../vmm/state-reader.js';

/** A device backend for one domain: connected when the frontend's XenStore state says so. */
export interface DeviceBackend {
  /** The device's kind in XenStore (`vbd`, `vif`): its record's name in a migration. */
  readonly kind: string;
  /** Announces the device in XenStore (the backend's nodes, the frontend's directory). */
  announce(d: PvDomain): void;
  /** Disconnects the domain (it is being destroyed). */
  detach?(d: PvDomain): void;
  /**
   * Migration, on the source with the domain stopped: finishes every request the backend can
   * see (none stays taken and unanswered), makes what it wrote durable (a disk's cache flushed).
   */
  quiesce(d: PvDomain): void;
  /** The backend's side of the connection (ring indices, grant references, frames in flight); false when not connected. */
  save(d: PvDomain): StateRecord | false;
  /**
   * On the destination, before the guest resumes: the connection again from `save`'s record
   * (this host's own mappings and ports), or only the wait for the frontend if it was not
   * connected. Throws a MigrationStateError naming what cannot be taken up.
   */
  restore(d: PvDomain, r: StateReader | false): void;
  /** The domain resumed here (a vif announces where it is now). Optional. */
  resumed?(d: PvDomain): void;
}

/** The guest's ports of its console and store channels (what start_info told it). */
export interface ToolstackPorts { console: number; store: number }

export class Backends {
  readonly store = new XenStore();
  readonly consoles = new Map<number, ConsoleBackend>();
  readonly storeConnections = new Map<number, XenStoreConnection>();
  readonly ports = new Map<number, ToolstackPorts>();
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
    this.ports.delete(d.id);
    this.store.forgetDomain(d.id);
  }

  /** Connects a freshly built domain's console, store and devices. */
  attach(d: PvDomain): void {
    const console = this.connectConsole(d, (h) => this.connect(d, h));
    const store = this.connectStore(d, (h) => this.connect(d, h));
    this.store.write(XenStore.domainPath(d.id), '', DOMID_0, d.id);
    this.store.write(`${XenStore.domainPath(d.id)}/domid`, String(d.id), DOMID_0, d.id);
    for (const dev of this.devices) dev.announce(d);
    setStartInfoPorts(d.vm, GUEST_RAM_BASE + BigInt(d.layout.startInfoPfn * 4096), console, store);
  }

  /**
   * The console backend on the domain's console page, its channel made by `bind` (a new one at
   * boot, the guest's port from before on a migrated domain); the guest's port.
   */
  connectConsole(d: PvDomain, bind: (handler: () => void) => { guestPort: number; dom0Port: number }): number {
    const page = this.foreign(d, d.layout.consolePfn);
    const console = new ConsoleBackend(page, (bytes) => d.vm.consoleLog.write(bytes), () => this.hv.dom0Channels.send(ch.dom0Port));
    const ch = bind(() => console.serve());
    this.consoles.set(d.id, console);
    this.ports.set(d.id, { console: ch.guestPort, store: this.ports.get(d.id)?.store ?? 0 });
    return ch.guestPort;
  }

  /** xenstored's end of the domain's store ring, likewise; the guest's port. */
  connectStore(d: PvDomain, bind: (handler: () => void) => { guestPort: number; dom0Port: number }): number {
    const conn = new XenStoreConnection(this.store, this.foreign(d, d.layout.storePfn), d.id);
    const ch = bind(() => { if (conn.serve()) this.hv.dom0Channels.send(ch.dom0Port); });
    this.storeConnections.set(d.id, conn);
    this.ports.set(d.id, { console: this.ports.get(d.id)?.console ?? 0, store: ch.guestPort });
    return ch.guestPort;
  }
}
