import { ulid } from '../../common/ids';
import type { Store } from './db';
import { procedureComponents } from './procedures';
import { sql, type SqlValue } from './sql';

/** Component metadata a clerk may edit (TT 01/2023 minimum metadata + the DVCQG scored fields). */
export interface ComponentPatch {
  name?: string;
  summary?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  validityScope?: string | null;
  copyType?: 'original' | 'copy' | 'electronic';
  reuse?: 'none' | 'reused' | 'reused_replaced';
  replacedResultCode?: string | null;
  fromNationalStore?: boolean;
  resultCode?: string | null;
  required?: boolean;
}

const COLUMNS: Record<keyof ComponentPatch, string> = {
  name: 'name',
  summary: 'summary',
  validFrom: 'valid_from',
  validTo: 'valid_to',
  validityScope: 'validity_scope',
  copyType: 'copy_type',
  reuse: 'reuse',
  replacedResultCode: 'replaced_result_code',
  fromNationalStore: 'from_national_store',
  resultCode: 'result_code',
  required: 'required',
};

export function updateComponent(store: Store, componentId: string, patch: ComponentPatch, at: string): void {
  store.tx(() => {
    for (const [key, column] of Object.entries(COLUMNS) as [keyof ComponentPatch, string][]) {
      const v = patch[key];
      if (v === undefined) continue;
      const value: SqlValue = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      // Column names come from the fixed map above, never from input.
      store.run({ text: `UPDATE component SET ${column} = ? WHERE id = ?`, values: [value, componentId] });
    }
    store.run(sql`UPDATE dossier SET updated_at = ${at} WHERE id = (SELECT dossier_id FROM component WHERE id = ${componentId})`);
  });
}

export interface NewComponent {
  typeCode: string;
  name: string;
  kind: 'intake' | 'result';
  required: boolean;
}

/** Appends a component (an extra paper the citizen brought, or a result) at the end of the dossier. */
export function insertComponent(store: Store, dossierId: string, c: NewComponent, at: string): string {
  const id = ulid();
  store.tx(() => {
    const pos = store.get<{ p: number | null }>(sql`SELECT max(position) AS p FROM component WHERE dossier_id = ${dossierId}`)?.p ?? -1;
    store.run(sql`INSERT INTO component (id, dossier_id, type_code, name, kind, required, position, created_at)
      VALUES (${id}, ${dossierId}, ${c.typeCode}, ${c.name}, ${c.kind}, ${c.required ? 1 : 0}, ${pos + 1}, ${at})`);
    store.run(sql`UPDATE dossier SET updated_at = ${at} WHERE id = ${dossierId}`);
  });
  return id;
}

/** Adds the catalogue's result components to an intake dossier (once: existing type codes are kept). */
export function addResultComponents(store: Store, dossierId: string, procedureCode: string, at: string): number {
  return store.tx(() => {
    const have = new Set(
      store.all<{ type_code: string }>(sql`SELECT type_code FROM component WHERE dossier_id = ${dossierId} AND kind = 'result'`).map((r) => r.type_code),
    );
    let n = 0;
    for (const c of procedureComponents(store, procedureCode).filter((x) => x.kind === 'result')) {
      if (have.has(c.type_code)) continue;
      insertComponent(store, dossierId, { typeCode: c.type_code, name: c.name, kind: 'result', required: c.required === 1 }, at);
      n++;
    }
    return n;
  });
}

export function setDossierState(store: Store, dossierId: string, state: 'draft' | 'complete', at: string): void {
  store.run(sql`UPDATE dossier SET state = ${state}, completed_at = CASE WHEN ${state} = 'complete' THEN ${at} ELSE completed_at END, updated_at = ${at}
    WHERE id = ${dossierId}`);
}

export function setResultFor(store: Store, dossierId: string, code: string): void {
  store.run(sql`UPDATE dossier SET result_for_code = ${code} WHERE id = ${dossierId}`);
}

export function dossierExtras(store: Store, dossierId: string): { resultForCode: string | null; completedAt: string | null; syncedAt: string | null } | undefined {
  const r = store.get<{ result_for_code: string | null; completed_at: string | null; synced_at: string | null }>(
    sql`SELECT result_for_code, completed_at, synced_at FROM dossier WHERE id = ${dossierId}`,
  );
  return r ? { resultForCode: r.result_for_code, completedAt: r.completed_at, syncedAt: r.synced_at } : undefined;
}

/** Documents of a component that are not signed yet (the checklist names them). */
export function unsignedDocumentCount(store: Store, componentId: string): number {
  return store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document WHERE component_id = ${componentId} AND state = 'assembled'`)?.n ?? 0;
}
