import { backoff } from '../../common/backoff';
import type { Backoff } from './settings';

/**
 * The outbox's backoff after `attempts` failed tries (1-based) with "equal jitter": many stations coming
 * back online together spread out, yet none retries immediately.
 */
export function backoffDelay(attempts: number, b: Pick<Backoff, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  return backoff(attempts - 1, { baseMs: b.baseMs, maxMs: b.maxMs, jitter: 'equal' }, random);
}

/** Next attempt delay: the server's Retry-After when given (never less), else backoff. */
export function retryDelay(attempts: number, b: Pick<Backoff, 'baseMs' | 'maxMs'>, retryAfterMs?: number, random?: () => number): number {
  const d = backoffDelay(attempts, b, random);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, Math.min(d, retryAfterMs + b.baseMs)) : d;
}

function parseHm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes since local midnight for a UTC instant and an offset. */
function localMinutes(now: Date, utcOffsetMinutes: number): number {
  const m = now.getUTCHours() * 60 + now.getUTCMinutes() + utcOffsetMinutes;
  return ((m % 1440) + 1440) % 1440;
}

/** True when `now` lies in the window "HH:MM-HH:MM" (may wrap midnight); null window = always. */
export function inWindow(window: string | null, now: Date, utcOffsetMinutes: number): boolean {
  if (!window) return true;
  const [a, b] = window.split('-') as [string, string];
  const start = parseHm(a);
  const end = parseHm(b);
  const m = localMinutes(now, utcOffsetMinutes);
  if (start === end) return true;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** Milliseconds until the window next opens (0 when open now). */
export function msUntilWindow(window: string | null, now: Date, utcOffsetMinutes: number): number {
  if (inWindow(window, now, utcOffsetMinutes)) return 0;
  const start = parseHm(window!.split('-')[0]!);
  const m = localMinutes(now, utcOffsetMinutes);
  const minutes = (start - m + 1440) % 1440;
  return minutes * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds();
}
