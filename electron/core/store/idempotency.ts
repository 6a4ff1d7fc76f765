import type { Store } from './db';
import { sql } from './sql';

/** The first answer given to a mutating call with this idempotency key, if any. */
export function idempotentResult(store: Store, key: string): { method: string; resultJson: string } | null {
  const row = store.get<{ method: string; result_json: string }>(sql`SELECT method, result_json FROM idempotency WHERE key = ${key}`);
  return row ? { method: row.method, resultJson: row.result_json } : null;
}

/** Keeps the answer of a mutating call so that a retry with the same key gets it again. */
export function recordIdempotentResult(store: Store, key: string, method: string, resultJson: string): void {
  store.run(sql`INSERT OR IGNORE INTO idempotency (key, method, result_json, created_at)
    VALUES (${key}, ${method}, ${resultJson}, ${new Date().toISOString()})`);
}
