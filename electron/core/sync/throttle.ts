/** A simple pacing limiter: callers wait so that, on average, at most `bytesPerSec` go out. */
export class RateLimiter {
  private availableAt = 0;

  constructor(
    readonly bytesPerSec: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves n bytes; resolves when they may be sent. */
  async take(n: number): Promise<void> {
    const t = this.now();
    const start = Math.max(t, this.availableAt);
    this.availableAt = start + (n / this.bytesPerSec) * 1000;
    const wait = start - t;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
