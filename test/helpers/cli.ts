/**
 * Running the vmlab command as a user would (node bin/vmlab.mjs ...), asynchronously: a test
 * worker that blocked on spawnSync for a long command could not answer vitest meanwhile, and
 * vitest then reports "Timeout calling onTaskUpdate" for the whole run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs `vmlab ...args` to its end (killed after `timeout` ms); its exit status and output. */
export function runVmlab(args: string[], options: { timeout?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'vmlab.mjs'), ...args], { env: options.env ?? process.env, timeout: options.timeout ?? 120_000 });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs any program to its end, asynchronously (as runVmlab does for vmlab). */
export function runProgram(file: string, args: string[], options: { timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { timeout: options.timeout ?? 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
