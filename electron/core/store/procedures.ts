import type { Store } from './db';
import { sql } from './sql';

export interface CatalogueComponent {
  typeCode: string;
  name: string;
  kind: 'intake' | 'result';
  required: boolean;
}

export interface CatalogueProcedure {
  code: string;
  name: string;
  level: 'commune' | 'province' | 'ministry';
  field?: string;
  source?: string;
  confirmed?: boolean;
  components: CatalogueComponent[];
}

export interface ProcedureRow {
  code: string;
  name: string;
  level: string;
  field: string | null;
  source: string | null;
  confirmed: number;
  active: number;
  catalogue_version: string;
}

export interface ProcedureComponentRow {
  procedure_code: string;
  type_code: string;
  name: string;
  kind: 'intake' | 'result';
  required: number;
  position: number;
}

/**
 * Loads a catalogue version. Procedures missing from the new version are deactivated, never deleted:
 * dossiers already made for them keep their reference.
 */
export function upsertCatalogue(store: Store, version: string, procedures: CatalogueProcedure[]): void {
  store.tx(() => {
    store.run(sql`UPDATE procedure SET active = 0`);
    for (const p of procedures) {
      store.run(sql`INSERT INTO procedure (code, name, level, field, source, confirmed, active, catalogue_version)
        VALUES (${p.code}, ${p.name}, ${p.level}, ${p.field ?? null}, ${p.source ?? null}, ${p.confirmed === false ? 0 : 1}, 1, ${version})
        ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, field = excluded.field, source = excluded.source,
          confirmed = excluded.confirmed, active = 1, catalogue_version = excluded.catalogue_version`);
      store.run(sql`DELETE FROM procedure_component WHERE procedure_code = ${p.code}`);
      p.components.forEach((c, i) => {
        store.run(sql`INSERT INTO procedure_component (procedure_code, type_code, name, kind, required, position)
          VALUES (${p.code}, ${c.typeCode}, ${c.name}, ${c.kind}, ${c.required ? 1 : 0}, ${i})`);
      });
    }
  });
}

export function getProcedure(store: Store, code: string): ProcedureRow | undefined {
  return store.get<ProcedureRow>(sql`SELECT * FROM procedure WHERE code = ${code}`);
}

export function procedureComponents(store: Store, code: string): ProcedureComponentRow[] {
  return store.all<ProcedureComponentRow>(sql`SELECT * FROM procedure_component WHERE procedure_code = ${code} ORDER BY position`);
}

export function listProcedures(store: Store, activeOnly = true): ProcedureRow[] {
  return activeOnly
    ? store.all<ProcedureRow>(sql`SELECT * FROM procedure WHERE active = 1 ORDER BY code`)
    : store.all<ProcedureRow>(sql`SELECT * FROM procedure ORDER BY code`);
}
