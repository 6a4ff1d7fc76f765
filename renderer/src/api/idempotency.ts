/** A fresh idempotency key for one user action (kept across retries of that action). */
export function newIdempotencyKey(prefix = 'ui'): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
