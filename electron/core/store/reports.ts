import type { Store } from './db';
import { sql } from './sql';

/** One dossier's facts for the digitisation report (aggregated in core/reports). */
export interface DossierFacts {
  id: string;
  purpose: 'intake' | 'result';
  procedure_code: string;
  procedure_name: string;
  level: string;
  clerk_id: string | null;
  clerk_name: string | null;
  created_at: string;
  intake_total: number;
  intake_digitised: number;
  required_intake_total: number;
  required_intake_digitised: number;
  result_total: number;
  result_digitised: number;
}

/**
 * Facts of every dossier created in [fromIso, toIso) but the abandoned ones. A component counts as digitised when it has a
 * document in any state — a purged local copy was still digitised and delivered.
 */
export function dossierFacts(store: Store, fromIso: string, toIso: string): DossierFacts[] {
  return store.all<DossierFacts>(sql`WITH comp AS (
      SELECT c.dossier_id, c.kind, c.required, EXISTS (SELECT 1 FROM document x WHERE x.component_id = c.id) AS dig
      FROM component c)
    SELECT d.id, d.purpose, d.procedure_code, p.name AS procedure_name, p.level, d.created_by AS clerk_id, u.full_name AS clerk_name, d.created_at,
      coalesce(sum(CASE WHEN comp.kind = 'intake' THEN 1 END), 0) AS intake_total,
      coalesce(sum(CASE WHEN comp.kind = 'intake' AND comp.dig THEN 1 END), 0) AS intake_digitised,
      coalesce(sum(CASE WHEN comp.kind = 'intake' AND comp.required = 1 THEN 1 END), 0) AS required_intake_total,
      coalesce(sum(CASE WHEN comp.kind = 'intake' AND comp.required = 1 AND comp.dig THEN 1 END), 0) AS required_intake_digitised,
      coalesce(sum(CASE WHEN comp.kind = 'result' THEN 1 END), 0) AS result_total,
      coalesce(sum(CASE WHEN comp.kind = 'result' AND comp.dig THEN 1 END), 0) AS result_digitised
    FROM dossier d JOIN procedure p ON p.code = d.procedure_code
      LEFT JOIN user u ON u.id = d.created_by
      LEFT JOIN comp ON comp.dossier_id = d.id
    WHERE d.created_at >= ${fromIso} AND d.created_at < ${toIso}
      -- an abandoned draft ("Bỏ hồ sơ") was never handed in: it is not a received dossier
      AND d.state != 'abandoned'
    GROUP BY d.id ORDER BY d.created_at, d.id`);
}
