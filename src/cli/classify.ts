/** `vmlab classify`: the Popek–Goldberg analysis of the hart, by experiment (src/classify). */
import type { HartProfile } from '../../bindings/machine.js';
import { analyze } from '../classify/classify.js';
import { renderAnalysis } from '../classify/report.js';

export interface ClassifyOptions { profile: HartProfile; json?: boolean; all?: boolean }

/** Exit status 0 when sensitive ⊆ privileged holds, 1 when it fails (critical instructions exist). */
export async function classifyCommand(opts: ClassifyOptions): Promise<number> {
  const a = await analyze(opts.profile);
  process.stdout.write((opts.json ? JSON.stringify(a, null, 2) : renderAnalysis(a, opts.all ?? false)) + '\n');
  return a.holds ? 0 : 1;
}
