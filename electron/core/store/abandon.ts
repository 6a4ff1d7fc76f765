import type { Store } from './db';
import { sql } from './sql';

/**
 * A draft given up at the counter: only its state changes (components, pages and documents stay). Returns
 * false when the dossier was not a draft (already abandoned, completed or sent), so two clerks cannot both do it.
 */
export function markAbandoned(store: Store, o: { id: string; by: string | null; reason: string; at: string }): boolean {
  return (
    store.run(sql`UPDATE dossier SET state = 'abandoned', abandoned_at = ${o.at}, abandoned_by = ${o.by}, abandon_reason = ${o.reason}, updated_at = ${o.at}
      WHERE id = ${o.id} AND state = 'draft'`).changes === 1
  );
}

/** An abandoned dossier back to a draft (an admin's decision; the audit log keeps who abandoned it and why). */
export function markRestored(store: Store, o: { id: string; at: string }): boolean {
  return (
    store.run(sql`UPDATE dossier SET state = 'draft', abandoned_at = NULL, abandoned_by = NULL, abandon_reason = NULL, updated_at = ${o.at}
      WHERE id = ${o.id} AND state = 'abandoned'`).changes === 1
  );
}

/** The state of the dossier a component belongs to (undefined: no such component). */
export function dossierStateOfComponent(store: Store, componentId: string): { dossierId: string; state: string } | undefined {
  return store.get<{ dossierId: string; state: string }>(
    sql`SELECT d.id AS dossierId, d.state FROM component c JOIN dossier d ON d.id = c.dossier_id WHERE c.id = ${componentId}`,
  );
}
