import type { Store } from './db';
import { sql } from './sql';

export function getSetting<T>(store: Store, key: string): T | undefined {
  const row = store.get<{ value_json: string }>(sql`SELECT value_json FROM setting WHERE key = ${key}`);
  return row === undefined ? undefined : (JSON.parse(row.value_json) as T);
}

export function setSetting(store: Store, key: string, value: unknown, by: string | null = null): void {
  store.run(sql`INSERT INTO setting (key, value_json, updated_at, updated_by) VALUES (${key}, ${JSON.stringify(value)}, ${new Date().toISOString()}, ${by})
    ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
}
