import { describe, expect, it } from 'vitest';
import { backoff } from '../../../electron/common/backoff';

describe('backoff (the one formula)', () => {
  it('doubles from the base and stops at the cap', () => {
    const p = { baseMs: 500, maxMs: 10_000, jitter: 'none' as const };
    expect([0, 1, 2, 3, 4, 5, 99].map((a) => backoff(a, p))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('equal jitter keeps half the delay fixed', () => {
    const p = { baseMs: 1000, maxMs: 60_000, jitter: 'equal' as const };
    expect(backoff(2, p, () => 0)).toBe(2000);
    expect(backoff(2, p, () => 1)).toBe(4000);
  });

  it('a spread jitter scales the delay by 1 ± s', () => {
    const p = { baseMs: 250, maxMs: 5000, jitter: 0.2 };
    expect(backoff(1, p, () => 0)).toBe(400);
    expect(backoff(1, p, () => 1)).toBe(600);
  });
});
