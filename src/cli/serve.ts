/**
 * `vmlab serve --listen PORT`: the destination host. Every VM migrated to it is received, checked,
 * resumed and run to its end here, its console on stdout; with --once the command ends after the
 * first, with that guest's exit status (2 when it was refused).
 */
import { serve, type Received, type AcceptPolicy } from '../migration/index.js';

export interface ServeCliOptions {
  listen: number;
  host: string;
  once?: boolean;
  accept?: AcceptPolicy;
  maxInsns?: number;
}

export function serveCommand(o: ServeCliOptions): Promise<number> {
  return new Promise((resolve) => {
    let server: Awaited<ReturnType<typeof serve>> | undefined;
    const done = (code: number) => { if (o.once) { server?.close(); resolve(code); } };
    serve({ host: o.host, port: o.listen }, (incoming) => {
      incoming.then((r: Received) => {
        const end = r.outcome.kind === 'halt' ? `halted with code ${r.outcome.code}` : r.outcome.kind === 'crash' ? `was stopped by the VMM: ${r.outcome.why}` : 'ran out of its instruction budget';
        process.stderr.write(`vmlab serve: the migrated VM (${r.vm.strategy}) ${end}${r.faults ? `; ${r.faults} pages faulted in (${r.faultWaitMs.toFixed(1)} ms waited)` : ''}\n`);
        done(r.outcome.kind === 'halt' ? r.outcome.code & 0xff : 126);
      }, (e: Error) => {
        process.stderr.write(`vmlab serve: ${e.message}\n`);
        done(2);
      });
    }, { accept: o.accept, maxInstructions: o.maxInsns, onOutput: (t) => process.stdout.write(t) }).then((s) => {
      server = s;
      const a = s.address();
      process.stderr.write(`vmlab serve: listening on ${o.host}:${typeof a === 'object' && a ? a.port : o.listen}\n`);
    }, (e: Error) => {
      process.stderr.write(`vmlab serve: cannot listen on ${o.host}:${o.listen}: ${e.message}\n`);
      resolve(2);
    });
  });
}
