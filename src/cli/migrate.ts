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
}

export async function migrateCommand(file: string, o: MigrateCliOptions): Promise<number> {
  let vm;
  try {
    ({ vm } = await bootVm({ image: readFileSync(file), strategy: o.vmm, ramBytes: o.mem, bootargs: o.bootargs, symbols: o.poke, wallClock: o.timebase === 'wall' }));
  } catch (e) {
    process.stderr.write(`vmlab: cannot boot ${file}: ${(e as Error).message}\n`);
    return 2;
  }
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
  if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (o.report) process.stderr.write(summary(report) + '\n' + table(report) + '\n');
  if (o.svg) writeFileSync(o.svg, (await import('../migration/plot.js')).plotMigration(report)); // ECharts: loaded only for a plot
  return 0;
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
