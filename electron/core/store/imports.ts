import type { Store } from './db';
import { sql } from './sql';

export interface ImportedDocumentRow {
  id: string;
  componentId: string;
  sha256: string;
  size: number;
  originalSha256: string;
  originalSize: number;
  originalMediaType: string;
  fileName: string;
  pageCount: number;
  at: string;
}

/** The component and the state of its dossier (an import may only change a dossier still being put together). */
export function componentForImport(store: Store, componentId: string): { dossierId: string; dossierState: string } | undefined {
  const r = store.get<{ dossier_id: string; state: string }>(sql`SELECT c.dossier_id, d.state FROM component c JOIN dossier d ON d.id = c.dossier_id WHERE c.id = ${componentId}`);
  return r ? { dossierId: r.dossier_id, dossierState: r.state } : undefined;
}

/** Records both blobs and the document row (one transaction: all or nothing). */
export function insertImportedDocument(store: Store, d: ImportedDocumentRow): void {
  store.tx(() => {
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${d.originalSha256}, ${d.originalSize}, ${d.originalMediaType}, ${d.at})`);
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${d.sha256}, ${d.size}, 'application/pdf', ${d.at})`);
    store.run(sql`INSERT INTO document (id, component_id, sha256, original_sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
      VALUES (${d.id}, ${d.componentId}, ${d.sha256}, ${d.originalSha256}, 'import', ${d.fileName}, '1b', ${d.pageCount}, 'assembled', ${d.at}, ${d.at})`);
    store.run(sql`UPDATE dossier SET updated_at = ${d.at} WHERE id = (SELECT dossier_id FROM component WHERE id = ${d.componentId})`);
  });
}
