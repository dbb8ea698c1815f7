// Every committed guest runs on vmlab to a clean halt (exit 0) and prints what it is expected to.
// The self-checking programs verify their own results; a failing check exits with its number.
import { describe, it, expect } from 'vitest';
import { guestNames, runGuest } from '../helpers/guests.js';

/** Workloads sized for benchmarks are too long for tests; their small variants run instead. */
const BENCH_ONLY = new Set(['loop', 'mixed']);
const names = guestNames().filter((n) => !BENCH_ONLY.has(n));

describe.skipIf(names.length === 0)('guest programs on vmlab', () => {
  for (const name of names) {
    it(`${name} halts with exit code 0`, async () => {
      const r = await runGuest(name);
      expect(r.outcome, r.output).toEqual({ kind: 'halt', code: 0 });
      expect(r.output.length).toBeGreaterThan(0);
    });
  }
});

it.runIf(names.length === 0)('guest images are present (npm run build:guests)', () => {
  expect.fail('guests/build/*.elf are missing; they are committed, so the checkout is incomplete');
});
