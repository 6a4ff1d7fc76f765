import { backoff } from '../../../electron/common/backoff';

/** Reconnect delays: 250 ms doubling to 5 s, with ±20 % jitter (a restarted service is found within seconds). */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  return backoff(attempt, { baseMs: 250, maxMs: 5000, jitter: 0.2 }, random);
}
