/**
 * The stream's rate limit (max-bandwidth): a token bucket in wall time that refills at `rate`
 * bytes per second and holds at most 10 ms of it (so a burst after an idle spell stays short).
 * A send may go whenever the bucket is not in debt, and takes its bytes from it. Infinity: no limit.
 */
export class RateLimiter {
  private tokens = 0;
  private last = performance.now();
  constructor(private rate: number) {}

  setRate(rate: number): void { this.refill(); this.rate = rate; }
  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.rate * 0.01, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
  /** Milliseconds to wait before the next send may go (0: now). */
  wait(): number {
    if (this.rate === Infinity) return 0;
    this.refill();
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }
  /** Counts `bytes` as sent. */
  take(bytes: number): void { if (this.rate !== Infinity) { this.refill(); this.tokens -= bytes; } }
}
