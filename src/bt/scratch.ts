/** Scratch registers for an emulation sequence: temporaries first, never one the guest instruction names. */
const CANDIDATES = [30, 29, 28, 7, 6, 5, 31]; // t5, t4, t3, t2, t1, t0, t6

export function scratch(n: number, avoid: number[]): number[] {
  const out = CANDIDATES.filter((r) => !avoid.includes(r)).slice(0, n);
  if (out.length < n) throw new Error('not enough scratch registers');
  return out;
}
