/**
 * `vmlab migrate IMAGE --to HOST:PORT`: boots a guest here (a kernel under a VMM strategy, or any
 * image on a bare machine), runs it for a while, then migrates it live to a `vmlab serve` and
 * prints what was measured. If the migration fails before the switch-over, the VM goes on here to
 * its end (exit status 3); if it fails after, the VM is lost to both (exit status 4).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Table from 'cli-table3';
import { bootVm, migrateTo, summary, MigrationFailed, type MigrationReport, type PolicyName } from '../migration/index.js';
import type { StrategyName } from '../vmm/strategy.js';
import type { ThroughputSeries } from '../migration/plot.js';
import { connect } from '../migration/transport/tcp.js';
import { epochMs } from '../migration/vm/hosted.js';
import { sleep } from '../migration/event-loop.js';
import { VirtualSwitch } from '../net/switch.js';
import { SwitchUplink } from '../net/uplink.js';
import { EchoClient } from '../net/echo-client.js';
import { vifMac } from '../pv/backends/net.js';
import type { VmmVm } from '../migration/vm/vmm-vm.js';
import type { PvStrategy } from '../pv/strategy.js';

export interface MigrateCliOptions {
  to: { host: string; port: number };
  vmm: StrategyName;
  mem: number;
  bootargs?: string;
  poke?: Record<string, bigint>;
  after: number;
  policy: PolicyName;
  downtimeLimit?: number;
  maxBandwidth?: number;
  autoConverge?: boolean;
  hybridRounds?: number;
  timebase: 'insn' | 'wall';
  report?: boolean;
  svg?: string;
  json?: boolean;
  /** pv: the destination's network (vmlab serve --net), and a client here talking to the guest's netecho. */
  net?: { host: string; port: number };
}

/** The guest's address on the network, as the toolstack gives it (its vif announces it after the migration). */
const GUEST_IP = '10.0.0.2';
/** How long the client waits for an answer before it takes the guest's netecho to have ended. */
const QUIET_MS = 1000;

/** The network of --net: this host's switch, its uplink to the destination's, the client. */
async function network(o: MigrateCliOptions): Promise<{ env: { net: { switch: VirtualSwitch; ip: string } }; client: EchoClient; uplink: SwitchUplink }> {
  if (o.vmm !== 'pv') throw new Error('--net needs --vmm pv (the network device is pv\'s netfront)');
  const net = new VirtualSwitch();
  const link = await connect(o.net!.host, o.net!.port).catch((e: Error) => { throw new Error(`cannot connect to the destination's network at ${o.net!.host}:${o.net!.port}: ${e.message}`); });
  return { env: { net: { switch: net, ip: GUEST_IP } }, client: new EchoClient(net, vifMac(1), 1024, epochMs), uplink: new SwitchUplink('uplink', net, link) };
}

export async function migrateCommand(file: string, o: MigrateCliOptions): Promise<number> {
  let vm, net: Awaited<ReturnType<typeof network>> | undefined;
  try {
    if (o.net) net = await network(o);
    ({ vm } = await bootVm({ image: readFileSync(file), strategy: o.vmm, ramBytes: o.mem, bootargs: o.bootargs, symbols: o.poke, wallClock: o.timebase === 'wall', env: net?.env }));
  } catch (e) {
    process.stderr.write(`vmlab: cannot boot ${file}: ${(e as Error).message}\n`);
    net?.uplink.end();
    return 2;
  }
  // The client starts once the guest's netfront has connected (the backend says Connected).
  if (net) ((vm as VmmVm).vmm as unknown as PvStrategy).netBackend!.whenConnected(1, () => net!.client.next());
  const out = (t: string) => { if (t) process.stdout.write(t); };
  for (let done = 0; done < o.after;) {
    const n = Math.min(1 << 22, o.after - done);
    const r = vm.run(n);
    out(vm.takeOutput());
    done += n;
    if (r.kind !== 'running') { process.stderr.write(`vmlab: the guest ended (${r.kind}) before the migration\n`); return 2; }
  }
  let report: MigrationReport;
  try {
    report = await migrateTo(vm, o.to, {
      policy: o.policy, downtimeLimitMs: o.downtimeLimit, maxBandwidth: o.maxBandwidth, autoConverge: o.autoConverge, hybridRounds: o.hybridRounds,
      onOutput: out,
      onEvent: (e) => { if (o.report && !o.json && e.type === 'round') process.stderr.write(`vmlab: round ${e.round.round}: ${e.round.pages} pages, ${e.round.dirtied} dirtied\n`); },
    });
  } catch (e) {
    const f = e as MigrationFailed;
    process.stderr.write(`vmlab: ${f.message}\n`);
    if (!(f instanceof MigrationFailed) || !f.sourceRunning) return 4;
    if (f.guest) return 3; // the guest itself ended the migration
    for (;;) {
      const r = vm.run(1 << 22);
      out(vm.takeOutput());
      if (r.kind !== 'running') break;
    }
    return 3;
  }
  let throughput: ThroughputSeries | undefined;
  if (net) {
    // The source lets go of its copy (its vif leaves the switch); the client goes on with the guest there until it stops answering.
    vm.destroy();
    while (net.client.idleFor() < QUIET_MS) await sleep(10);
    net.uplink.end();
    const end = net.client.answers[net.client.answers.length - 1] ?? report.at.end;
    throughput = { unit: 'KiB/s echoed (client)', samples: net.client.series(report.at.start - 500, end, report.at.start) };
    if (o.report && !o.json) process.stderr.write(clientSummary(net.client, report) + '\n');
  }
  if (o.json) process.stdout.write(JSON.stringify(throughput ? { ...report, client: throughput } : report, null, 2) + '\n');
  else if (o.report) process.stderr.write(summary(report) + '\n' + table(report) + '\n');
  if (o.svg) writeFileSync(o.svg, (await import('../migration/plot.js')).plotMigration(report, throughput)); // ECharts: loaded only for a plot
  return 0;
}

/** What the client saw: its rate before, during and after, its gap across the switch-over, whether every answer was right. */
function clientSummary(c: EchoClient, r: MigrationReport): string {
  const rate = (a: number, b: number) => (c.answers.filter((x) => x >= a && x < b).length / Math.max((b - a) / 1000, 1e-9)).toFixed(0);
  const end = c.answers[c.answers.length - 1] ?? r.at.end;
  return `client: ${c.answers.length} answers, ${c.intact ? 'every one its request' : 'SOME WRONG'}; requests/s ${rate(r.at.start - 300, r.at.start)} in the 300 ms before, ${rate(r.at.start, r.at.stop)} during pre-copy, ${rate(r.at.resume, end)} after; gap across the switch-over ${c.longestGap(r.at.stop, r.at.resume).toFixed(1)} ms`;
}

function table(r: MigrationReport): string {
  const t = new Table({ head: ['phase', 'pages', 'zero', 'MiB', 'ms', 'dirtied', 'pages/s dirtied'], style: { head: [], border: [] } });
  const mib = (b: number) => (b / 1048576).toFixed(2);
  for (const x of r.rounds) t.push([`round ${x.round}`, x.pages, x.zeroPages, mib(x.bytes), x.ms.toFixed(1), x.dirtied, x.dirtyRate.toFixed(0)]);
  t.push(['stop', r.stop.pages, r.stop.zeroPages, mib(r.stop.bytes), r.stop.ms.toFixed(1), '', '']);
  if (r.postcopy) t.push(['post-copy', r.postcopy.pages, r.postcopy.zeroPages, mib(r.postcopy.bytes), r.postcopy.ms.toFixed(1), `${r.postcopy.requested} asked`, '']);
  t.push(['total', r.pagesSent, '', mib(r.bytesSent), r.totalMs.toFixed(1), `downtime ${r.downtimeMs.toFixed(1)} ms`, `guest clock ${r.guestDowntimeMs.toFixed(1)} ms`]);
  return t.toString();
}
