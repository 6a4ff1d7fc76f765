import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `migrations/NNNN_name.sql` at the repository (or app resources) root. */
export const MIGRATIONS_DIR = process.env.SOHOA_MIGRATIONS_DIR ?? fileURLToPath(new URL('../../../migrations/', import.meta.url));

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const list = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
  // Numbers are reserved per area of work, so gaps are allowed; duplicates are not.
  list.forEach((m, i) => {
    if (i > 0 && m.version <= list[i - 1]!.version) throw new Error(`duplicate migration number at ${m.name}`);
  });
  return list;
}

/** The schema version this code knows: the highest migration number. */
export function codeSchemaVersion(list: Migration[] = loadMigrations()): number {
  return list.at(-1)?.version ?? 0;
}
