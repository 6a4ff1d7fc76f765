import { describe, expect, it } from 'vitest';
import { backoffDelay, inWindow, msUntilWindow, retryDelay } from '../../../electron/core/sync/schedule';
import { RateLimiter } from '../../../electron/core/sync/throttle';

const B = { baseMs: 1000, maxMs: 60_000 };

describe('backoff with jitter', () => {
  it('doubles per attempt with half of each delay random, and never exceeds the cap', () => {
    expect(backoffDelay(1, B, () => 0)).toBe(500);
    expect(backoffDelay(1, B, () => 1)).toBe(1000);
    expect(backoffDelay(4, B, () => 0)).toBe(4000);
    expect(backoffDelay(4, B, () => 1)).toBe(8000);
    expect(backoffDelay(30, B, () => 1)).toBe(60_000);
    expect(backoffDelay(30, B, () => 0)).toBe(30_000);
  });

  it('spreads retries of many stations (jitter is not constant)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(5, B)));
    expect(seen.size).toBeGreaterThan(10);
  });

  it("honours the server's Retry-After: never earlier, at most one base step later", () => {
    for (const r of [0, 0.5, 1]) {
      const d = retryDelay(1, B, 7000, () => r);
      expect(d).toBeGreaterThanOrEqual(7000);
      expect(d).toBeLessThanOrEqual(8000);
    }
    expect(retryDelay(6, B, 2000, () => 1)).toBe(3000);
  });
});

describe('sync window', () => {
  const at = (hhmm: string): Date => new Date(`2026-03-02T${hhmm}:00+07:00`);
  it('wraps midnight (17:30-07:30 = outside office hours, Asia/Ho_Chi_Minh)', () => {
    const w = '17:30-07:30';
    expect(inWindow(w, at('17:30'), 420)).toBe(true);
    expect(inWindow(w, at('23:59'), 420)).toBe(true);
    expect(inWindow(w, at('03:00'), 420)).toBe(true);
    expect(inWindow(w, at('07:30'), 420)).toBe(false);
    expect(inWindow(w, at('12:00'), 420)).toBe(false);
    expect(inWindow(null, at('12:00'), 420)).toBe(true);
  });

  it('handles a daytime window and says how long until it opens', () => {
    expect(inWindow('12:00-13:00', at('12:30'), 420)).toBe(true);
    expect(inWindow('12:00-13:00', at('13:00'), 420)).toBe(false);
    expect(msUntilWindow('17:30-07:30', at('16:30'), 420)).toBe(60 * 60_000);
    expect(msUntilWindow('17:30-07:30', at('20:00'), 420)).toBe(0);
    expect(msUntilWindow('12:00-13:00', at('13:00'), 420)).toBe(23 * 60 * 60_000);
  });
});

describe('bandwidth limiter', () => {
  it('paces reservations to the configured bytes per second', async () => {
    const now = 0;
    const waits: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const lim = new RateLimiter(1000, () => now);
    // 3 × 500 bytes at 1000 B/s: the second may go at 0.5 s, the third at 1 s.
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      waits.push(ms);
      return realSetTimeout(fn, 0);
    }) as typeof setTimeout;
    try {
      await lim.take(500);
      await lim.take(500);
      await lim.take(500);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(waits).toEqual([500, 1000]);
  });
});
