/**
 * `npm run bench:migration:network [-- --ram 64 --svg docs/figures --policies precopy,stop-and-copy]`:
 * the seed's figure of a network service under live migration. A PV domain (minios-pv's netecho:
 * every frame it receives goes back to its sender) serves a client host on a virtual switch; two
 * hosts in this process, joined by loopback TCP for the migration stream, share that switch. The
 * client sends its next request as soon as the previous answer is back (a closed loop, one
 * request in flight, 1 KiB each), and counts answers per 50 ms of wall time; the VM migrates
 * under it (the destination keeps a host machine ready, as both hosts share this one thread). At the switch-over the destination's vif sends a gratuitous ARP and the client's
 * stream goes on. Prints the client's throughput before, during and after, the downtime the client
 * saw (its longest wait for an answer), and checks that every request was answered once, intact.
 * Figures are wall time on this host in this run: they move with its load.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { migrateTo, serve, type MigrationReport, type PolicyName } from '../src/migration/index.js';
import { parseImage } from '../src/loader/index.js';
import { GUEST_RAM_BASE } from '../src/vmm/vm.js';
import { VmmVm } from '../src/migration/vm/vmm-vm.js';
import { VirtualSwitch } from '../src/net/switch.js';
import { ClientHost } from '../src/net/host.js';
import { ETHERTYPE } from '../src/net/ethernet.js';
import { vifMac } from '../src/pv/backends/net.js';
import type { PvStrategy } from '../src/pv/strategy.js';
import { epochMs } from '../src/migration/vm/hosted.js';
import { plotMigration, type ThroughputSeries } from '../src/migration/plot.js';
import { sleep } from '../src/migration/event-loop.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const ROOT = resolve(import.meta.dirname, '..');
const RAM = Number(arg('ram', '64')) << 20;
const SVG_DIR = arg('svg', '');
const POLICIES = arg('policies', 'precopy,stop-and-copy').split(',') as PolicyName[];
/** The migration's rate limit, MiB/s (QEMU's max-bandwidth; the default is this project's, 128). */
const MAX_BANDWIDTH = Number(arg('max-bandwidth', '128')) * 1048576;
const BIN_MS = 50, REQUEST = 1024, IP = '10.0.0.2', BEFORE_MS = 600, AFTER_MS = 800;
const image = parseImage(readFileSync(join(ROOT, 'guests', 'build', 'minios-pv.elf')), { base: GUEST_RAM_BASE, size: BigInt(RAM) });

interface Run {
  r: MigrationReport; series: ThroughputSeries; answered: number; intact: boolean;
  /** The client's longest wait for an answer once the migration began, and when it began (ms since the start). */
  maxWaitMs: number; maxWaitAt: number;
  /** The client's gap across the switch-over: its last answer before the stop to its first after the resume. */
  switchGapMs: number;
  rates: { before: number; during: number; after: number };
}

async function one(policy: PolicyName): Promise<Run> {
  const net = new VirtualSwitch();
  const client = new ClientHost('client', '02:00:00:00:00:01', '10.0.0.1', net);
  const env = { net: { switch: net, ip: IP } };
  let destDone = false, stop = false;
  // The destination keeps a host machine ready (both hosts share this thread: building one while
  // the source waits would be a pause no real pair of hosts has).
  const dest = await VmmVm.create('pv', RAM, true, env);
  const server = await serve({ port: 0 }, (incoming) => { incoming.then(() => { destDone = true; }, (e) => { console.error(`destination: ${e.message}`); destDone = true; }); }, {
    createVm: async () => dest,
    until: () => stop, slice: 50_000,
  });
  const port = (server.address() as { port: number }).port;
  const vm = await VmmVm.create('pv', RAM, false, env);
  vm.boot(image);
  vm.vm.p2m.write(image.symbols.get('minios_bootargs')!, new TextEncoder().encode('netecho=100000000 tick=100000\0'));

  const guest = vifMac(1), answers: number[] = [];
  let sent = 0, intact = true, lastAt = 0, maxWaitMs = 0, maxWaitFrom = 0;
  const request = (i: number) => Uint8Array.from({ length: REQUEST }, (_, k) => (k + i) & 0xff);
  const next = () => { lastAt = epochMs(); client.send(guest, ETHERTYPE.LOCAL_EXPERIMENTAL, request(sent++)); };
  client.on(ETHERTYPE.LOCAL_EXPERIMENTAL, (f) => {
    const t = epochMs();
    if (t - lastAt > maxWaitMs) { maxWaitMs = t - lastAt; maxWaitFrom = lastAt; }
    if (f.payload.length !== REQUEST || f.payload[0] !== ((answers.length) & 0xff)) intact = false;
    answers.push(t);
    next();
  });
  (vm.vmm as unknown as PvStrategy).backends.store.watch('/local/domain/0/backend/vif/1/0/state', (_p, v) => { if (v === '4') next(); });

  // The service runs alone for a while, then migrates while it serves; the destination runs it on.
  const t0 = epochMs();
  while (epochMs() - t0 < BEFORE_MS) { vm.run(50_000); vm.takeOutput(); }
  maxWaitMs = 0; // from here on: the waits the migration caused
  const r = await migrateTo(vm, { host: '127.0.0.1', port }, { policy, maxBandwidth: MAX_BANDWIDTH });
  vm.destroy();
  const t1 = epochMs();
  while (epochMs() - t1 < AFTER_MS && !destDone) await sleep(5);
  stop = true;
  while (!destDone) await sleep(5);
  server.close();
  dest.destroy();

  // Answers per bin, from BEFORE_MS before the migration's start, as ms since it started.
  const from = r.at.start - BEFORE_MS, to = r.at.end + AFTER_MS;
  const bins = new Array(Math.ceil((to - from) / BIN_MS)).fill(0);
  for (const a of answers) if (a >= from && a < to) bins[Math.floor((a - from) / BIN_MS)]++;
  const samples = bins.map((n, i): [number, number] => [from + (i + 0.5) * BIN_MS - r.at.start, (n * REQUEST) / 1024 / (BIN_MS / 1000)]);
  const lastBefore = answers.filter((a) => a <= r.at.stop).pop() ?? r.at.stop, firstAfter = answers.find((a) => a >= r.at.resume) ?? r.at.resume;
  const rate = (a: number, b: number) => answers.filter((x) => x >= a && x < b).length / Math.max((b - a) / 1000, 1e-9);
  return {
    r, series: { unit: 'KiB/s echoed (client)', samples }, answered: answers.length, intact, maxWaitMs, maxWaitAt: maxWaitFrom - r.at.start, switchGapMs: firstAfter - lastBefore,
    rates: { before: rate(r.at.start - 300, r.at.start), during: rate(r.at.start, r.at.stop), after: rate(r.at.resume, Math.min(to, r.at.resume + AFTER_MS)) },
  };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`bench:migration:network: max-bandwidth ${MAX_BANDWIDTH / 1048576} MiB/s; a ${RAM >> 20} MiB PV domain (minios-pv netecho) serving a client through netfront/netback and a virtual switch; two hosts in one process, migration over loopback TCP; load average ${load()}`);
const t = new Table({ head: ['policy', 'rounds', 'total ms', 'downtime ms', 'client: gap across the switch-over ms', 'client: longest wait ms (from ms)', 'requests/s in the 300 ms before', 'during pre-copy', 'after', 'answered', 'all intact, once'], style: { head: [], border: [] } });
for (const policy of POLICIES) {
  const x = await one(policy);
  t.push([policy, x.r.rounds.length, x.r.totalMs.toFixed(0), x.r.downtimeMs.toFixed(1), x.switchGapMs.toFixed(1), `${x.maxWaitMs.toFixed(0)} (${x.maxWaitAt.toFixed(0)})`, x.rates.before.toFixed(0), x.r.rounds.length ? x.rates.during.toFixed(0) : '', x.rates.after.toFixed(0), x.answered, x.intact ? 'yes' : 'NO']);
  if (SVG_DIR) {
    mkdirSync(SVG_DIR, { recursive: true });
    writeFileSync(join(SVG_DIR, `migration-network-${policy}-${MAX_BANDWIDTH / 1048576}MiBps.svg`), plotMigration(x.r, x.series, `${policy} (${MAX_BANDWIDTH / 1048576} MiB/s) of a ${RAM >> 20} MiB PV echo server under a client: total ${x.r.totalMs.toFixed(0)} ms, downtime ${x.r.downtimeMs.toFixed(1)} ms`));
  }
}
console.log(t.toString());
console.log(`load average ${load()}`);
