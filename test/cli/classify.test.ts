// `vmlab classify`: the theorem's check in the report and the exit status, and a clear error for a bad profile.
import { describe, it, expect } from 'vitest';
import { runVmlab } from '../helpers/cli.js';

const vmlab = (...args: string[]) => runVmlab([...args], { timeout: 120_000 });

describe('vmlab classify', () => {
  it('--profile critical: the check fails (exit 1) and the critical instructions are listed with their evidence', async () => {
    const r = await vmlab('classify', '--profile', 'critical');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/the critical profile; 1,\d{3} instruction forms/);
    expect(r.stdout).toContain('Popek–Goldberg: sensitive ⊆ privileged FAILS: 10 critical instructions');
    expect(r.stdout).toMatch(/^ {2}csrr satp: its result depends on the configuration in U$/m);
    expect(r.stdout).toMatch(/^ {2}csrw sstatus: changes mstatus in S; it does something else in U than in S$/m);
  }, 60_000);

  it('an unknown profile is refused with the known ones', async () => {
    const r = await vmlab('classify', '--profile', 'ia32');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown profile "ia32" \(known: standard, critical\)/);
  });
});
