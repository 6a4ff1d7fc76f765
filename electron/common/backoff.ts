/**
 * The station's one exponential backoff: `baseMs · 2^attempt`, capped at `maxMs`, with a jitter so that
 * many clients retrying together spread out. Each caller names its policy (sync outbox, UI reconnection,
 * service restart, document-timestamp retry) with its own constants; the formula lives here only.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /**
   * 'none': the capped delay itself. 'equal': half fixed, half random (never retries at once).
   * A number s: the delay times a random factor in [1 − s, 1 + s].
   */
  jitter: 'none' | 'equal' | number;
}

/** Delay before retry number `attempt` (0-based: attempt 0 waits about `baseMs`). */
export function backoff(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, Math.min(30, attempt)));
  if (p.jitter === 'none') return exp;
  if (p.jitter === 'equal') return Math.round(exp / 2 + random() * (exp / 2));
  return Math.round(exp * (1 - p.jitter + 2 * p.jitter * random()));
}
