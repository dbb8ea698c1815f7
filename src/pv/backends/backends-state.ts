/**
 * dom0's side of a PV domain in a migration (the stream's PV_DEVICES record): the guest's ports of
 * its console and store channels, its XenStore nodes, and each split device's connection. The
 * rings, the grant entries and the console and store pages are guest pages and move as pages;
 * what moves here is what only dom0 knows, and the destination takes it up with its own mappings
 * and ports: it maps the same grants, binds the same guest ports from its own dom0 ports, and
 * finds the frontends' nodes where they left them. Before the record is taken the backends are
 * quiesced: every request they can see is answered, so none is in hand; frames waiting for a
 * receive buffer are carried.
 */
import type { PvDomain } from '../domain.js';
import type { Backends } from './backends.js';
import { MigrationStateError, type StateReader, type StateRecord } from '../../vmm/state-reader.js';
import { XenStoreError } from '../xenstore.js';

/** The backends finish what the stopped domain asked of them (console output, store requests, device rings). */
export function quiesceBackends(b: Backends, d: PvDomain): void {
  b.consoles.get(d.id)?.serve();
  const ports = b.ports.get(d.id);
  const store = b.storeConnections.get(d.id);
  if (store?.serve() && ports) b.hv.dom0Channels.send(dom0PortOf(b, d, ports.store));
  for (const dev of b.devices) dev.quiesce(d);
}

function dom0PortOf(b: Backends, d: PvDomain, guestPort: number): number {
  const s = d.channels.describe(guestPort);
  return s?.kind === 'interdomain' ? s.remotePort : 0;
}

export function saveBackends(b: Backends, d: PvDomain): StateRecord {
  const ports = b.ports.get(d.id);
  if (!ports) throw new Error(`domain ${d.id} has no console and store channels`);
  const devices: StateRecord = {};
  for (const dev of b.devices) devices[dev.kind] = dev.save(d);
  return {
    console: ports.console, store: ports.store,
    xenstore: b.store.exportDomain(d.id).map(([path, value, owner, readers]) => ({ path, value, owner, readers })),
    devices,
  };
}

/**
 * Takes up a migrated domain's devices on this host, after its event channels (restoreDomain):
 * its console and store, its XenStore nodes, every device of the record — which this host must
 * have (a disk for a vbd, a switch for a vif) — and every device this host has that the record
 * lacks is only announced to wait for a frontend. Throws a MigrationStateError at the first
 * thing it cannot take up.
 */
export function restoreBackends(b: Backends, d: PvDomain, r: StateReader): void {
  const bind = (port: number) => (handler: () => void) => {
    const dom0Port = b.hv.dom0Channels.bindInterdomain(d.id, port);
    if (dom0Port < 0) throw new MigrationStateError(`${r.what}: guest port ${port} is not a port of the domain offered to dom0`);
    b.hv.onDom0Event(dom0Port, handler);
    return { guestPort: port, dom0Port };
  };
  const nodes = r.list('xenstore', 4096).map((n) => [n.string('path', 3072), n.string('value', 4096), n.int('owner', 0, 0x7fef), n.ints('readers', 2, 0, 0x7fef)] as [string, string, number, number[]]);
  try {
    b.store.importDomain(d.id, nodes);
  } catch (e) {
    if (e instanceof XenStoreError) throw new MigrationStateError(`${r.what}: its XenStore nodes are not all the domain's own (${e.errno})`);
    throw e;
  }
  b.connectConsole(d, bind(r.int('console', 1, 1023)));
  b.connectStore(d, bind(r.int('store', 1, 1023)));
  const devices = r.record('devices');
  const here = new Set(b.devices.map((dev) => dev.kind));
  for (const kind of devices.keys()) {
    if (!here.has(kind)) throw new MigrationStateError(`${r.what}: the VM has a ${kind} device and this host has no backend for it (${kind === 'vbd' ? 'no disk' : kind === 'vif' ? 'no network' : 'unknown kind'})`);
  }
  for (const dev of b.devices) dev.restore(d, devices.keys().includes(dev.kind) && !devices.isFalse(dev.kind) ? devices.record(dev.kind) : false);
}
