import type { Store } from './db';
import { sql } from './sql';

/** Dossiers received in [fromIso, toIso) (a day's batch export), oldest first. */
export function dossierIdsCreatedBetween(store: Store, fromIso: string, toIso: string): string[] {
  return store
    .all<{ id: string }>(sql`SELECT id FROM dossier WHERE created_at >= ${fromIso} AND created_at < ${toIso} ORDER BY created_at, id`)
    .map((r) => r.id);
}
