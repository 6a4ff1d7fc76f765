/** Reconnect delays: 250 ms doubling to 5 s, with ±20 % jitter (a restarted service is found within seconds). */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
