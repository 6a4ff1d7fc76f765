import type { EarlierDocument } from '../../common/api/search';
import type { Store } from './db';
import { sql } from './sql';

/**
 * Signed documents (signed or synced; a purged one has no local copy left) of the owner's other dossiers on this station,
 * newest first, leaving out those whose validity ended before `at`.
 */
export function earlierDocuments(store: Store, f: { ownerId: string; typeCode?: string | undefined; excludeDossierId?: string | undefined; at: string }): EarlierDocument[] {
  const rows = store.all<{
    dossier_id: string;
    server_code: string | null;
    procedure_code: string;
    component_id: string;
    component_name: string;
    type_code: string;
    document_id: string;
    document_state: string;
    page_count: number;
    valid_from: string | null;
    valid_to: string | null;
    result_code: string | null;
    created_at: string;
  }>(sql`SELECT d.id AS dossier_id, d.server_code, d.procedure_code, c.id AS component_id, c.name AS component_name, c.type_code,
      x.id AS document_id, x.state AS document_state, x.page_count, c.valid_from, c.valid_to, c.result_code, x.created_at
    FROM dossier d JOIN component c ON c.dossier_id = d.id JOIN document x ON x.component_id = c.id
    WHERE d.owner_id = ${f.ownerId} AND d.id <> ${f.excludeDossierId ?? ''} AND x.state IN ('signed', 'synced')
      AND (${f.typeCode ?? null} IS NULL OR c.type_code = ${f.typeCode ?? null})
      AND (c.valid_to IS NULL OR substr(c.valid_to, 1, 10) >= ${f.at})
    ORDER BY x.created_at DESC, x.id DESC LIMIT 50`);
  return rows.map((r) => ({
    dossierId: r.dossier_id,
    serverCode: r.server_code,
    procedureCode: r.procedure_code,
    componentId: r.component_id,
    componentName: r.component_name,
    typeCode: r.type_code,
    documentId: r.document_id,
    documentState: r.document_state,
    pageCount: r.page_count,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    resultCode: r.result_code,
    createdAt: r.created_at,
  }));
}
