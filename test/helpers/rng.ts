/** A deterministic PRNG (xorshift64*), so random tests are reproducible. */
export class Rng {
  private s: bigint;
  constructor(seed: number) { this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n; }
  next64(): bigint {
    let x = this.s;
    x ^= x >> 12n; x ^= (x << 25n) & 0xffff_ffff_ffff_ffffn; x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn;
  }
  /** 0 <= n < max */
  int(max: number): number { return Number(this.next64() % BigInt(max)); }
  /** lo <= n <= hi */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  /** Interesting 64-bit values as well as random ones. */
  value(): bigint {
    const edges = [0n, 1n, 0xffff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0x8000_0000n, 0x7fff_ffffn, 0xffff_ffffn, 0xffff_ffff_8000_0000n, 31n, 32n, 63n, 64n];
    return this.int(4) === 0 ? this.pick(edges) : this.next64();
  }
}
