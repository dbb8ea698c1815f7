/**
 * Live migration of a VM between two hosts (two processes joined by TCP, or two machines in one
 * process): the public API. See docs/MIGRATION.md for the protocol and the figures.
 *
 *   const { vm } = await bootVm({ image, strategy: 'hw-nested', ramBytes: 64 << 20, bootargs });
 *   vm.run(10_000_000);
 *   const report = await migrateTo(vm, { host: '127.0.0.1', port: 7000 }, { policy: 'precopy', onEvent });
 *
 *   const server = await serve({ port: 7000 }, (incoming) => incoming.then((r) => console.log(r.output)));
 */
import type { Server } from 'node:net';
import { connect, listen } from './transport/tcp.js';
import { migrate, MigrationFailed, type SourceOptions } from './source.js';
import { migrationOptions } from './options.js';
import { receive, type DestinationOptions, type Received } from './destination.js';
import type { HostedVm } from './vm/hosted.js';
import type { MigrationReport } from './report.js';

export { migrate, MigrationFailed, type SourceOptions, type MigrationEvent } from './source.js';
export { receive, MigrationRefused, PostcopyFailed, type DestinationOptions, type DestinationEvent, type Received, type AcceptPolicy } from './destination.js';
export { migrationOptions, DEFAULT_OPTIONS, POLICIES, type MigrationOptions, type PolicyName } from './options.js';
export { summary, type MigrationReport, type RoundReport } from './report.js';
export { bootVm, type BootSpec } from './vm/boot.js';
export type { HostedVm, SliceResult } from './vm/hosted.js';
export { memoryPair } from './transport/memory.js';
export type { Channel } from './transport/channel.js';

/** Migrates `vm` to a destination listening at host:port. */
export async function migrateTo(vm: HostedVm, to: { host: string; port: number }, options: SourceOptions = {}): Promise<MigrationReport> {
  migrationOptions(options); // bad options are refused before anything is connected
  let channel;
  try {
    channel = await connect(to.host, to.port);
  } catch (e) {
    throw new MigrationFailed(`cannot connect to ${to.host}:${to.port}: ${(e as Error).message}; the VM goes on here`, 'setup', true);
  }
  return migrate(vm, channel, options);
}

/** Listens for migrations; each incoming VM is received, resumed and run (`accepted` gets the promise of its end). */
export function serve(at: { host?: string; port: number }, accepted: (incoming: Promise<Received>) => void, options: DestinationOptions = {}): Promise<Server> {
  return listen(at.host ?? '127.0.0.1', at.port, (channel) => accepted(receive(channel, options)));
}
