/**
 * `vmlab serve --listen PORT`: the destination host. Every VM migrated to it is received, checked,
 * resumed and run to its end here, its console on stdout; with --once the command ends after the
 * first, with that guest's exit status (2 when it was refused). With --net PORT this host has a
 * virtual switch that the source's connects to (an uplink), and every PV domain migrated here gets
 * its vif on it: its network connection moves with it.
 */
import { serve, type Received, type AcceptPolicy } from '../migration/index.js';
import { createVm } from '../migration/destination.js';
import { VmmVm } from '../migration/vm/vmm-vm.js';
import { listen } from '../migration/transport/tcp.js';
import { VirtualSwitch } from '../net/switch.js';
import { SwitchUplink } from '../net/uplink.js';

export interface ServeCliOptions {
  listen: number;
  host: string;
  once?: boolean;
  accept?: AcceptPolicy;
  maxInsns?: number;
  /** A port for the source host's switch to connect to: PV domains migrated here get a vif on this host's switch, joined to it. */
  net?: number;
}

export function serveCommand(o: ServeCliOptions): Promise<number> {
  return new Promise((resolve) => {
    let server: Awaited<ReturnType<typeof serve>> | undefined;
    let netServer: Awaited<ReturnType<typeof listen>> | undefined;
    const uplinks: SwitchUplink[] = [];
    const net = o.net !== undefined ? new VirtualSwitch() : undefined;
    if (net) {
      listen(o.host, o.net!, (c) => uplinks.push(new SwitchUplink(`uplink${uplinks.length}`, net, c))).then((s) => {
        netServer = s;
        const a = s.address();
        process.stderr.write(`vmlab serve: network on ${o.host}:${typeof a === 'object' && a ? a.port : o.net}\n`);
      }, (e: Error) => process.stderr.write(`vmlab serve: cannot listen for the network on ${o.host}:${o.net}: ${e.message}\n`));
    }
    const done = (code: number) => { if (o.once) { server?.close(); netServer?.close(); for (const u of uplinks) u.end(); resolve(code); } };
    serve({ host: o.host, port: o.listen }, (incoming) => {
      incoming.then((r: Received) => {
        const end = r.outcome.kind === 'halt' ? `halted with code ${r.outcome.code}` : r.outcome.kind === 'crash' ? `was stopped by the VMM: ${r.outcome.why}` : 'ran out of its instruction budget';
        process.stderr.write(`vmlab serve: the migrated VM (${r.vm.strategy}) ${end}${r.faults ? `; ${r.faults} pages faulted in (${r.faultWaitMs.toFixed(1)} ms waited)` : ''}\n`);
        done(r.outcome.kind === 'halt' ? r.outcome.code & 0xff : 126);
      }, (e: Error) => {
        process.stderr.write(`vmlab serve: ${e.message}\n`);
        done(2);
      });
    }, {
      accept: o.accept, maxInstructions: o.maxInsns, onOutput: (t) => process.stdout.write(t),
      // With a network, frames come between slices: short ones keep a blocked guest's answers prompt.
      slice: net ? 20_000 : undefined,
      createVm: (init) => (net && init.strategy === 'pv' ? VmmVm.create('pv', init.ramBytes, true, { net: { switch: net } }) : createVm(init)),
    }).then((s) => {
      server = s;
      const a = s.address();
      process.stderr.write(`vmlab serve: listening on ${o.host}:${typeof a === 'object' && a ? a.port : o.listen}\n`);
    }, (e: Error) => {
      process.stderr.write(`vmlab serve: cannot listen on ${o.host}:${o.listen}: ${e.message}\n`);
      resolve(2);
    });
  });
}
