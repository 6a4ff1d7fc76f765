import type { Store } from './db';
import { sql } from './sql';

/** Background OCR of assembled documents and their recognised text (migration 0020). */

export type OcrJobState = 'queued' | 'running' | 'done' | 'failed' | 'superseded';

export interface OcrJobRow {
  document_id: string;
  lang: string;
  profile: string;
  pdfa_level: '1b' | '2b';
  source_sha256: string;
  state: OcrJobState;
  pages_done: number;
  pages_total: number;
  error_code: string | null;
  created_at: string;
  updated_at: string;
}

const now = (): string => new Date().toISOString();

export function insertOcrJob(store: Store, j: { documentId: string; lang: string; profile: string; level: '1b' | '2b'; sourceSha256: string; pages: number }): void {
  const at = now();
  store.run(sql`INSERT INTO ocr_job (document_id, lang, profile, pdfa_level, source_sha256, state, pages_done, pages_total, created_at, updated_at)
    VALUES (${j.documentId}, ${j.lang}, ${j.profile}, ${j.level}, ${j.sourceSha256}, 'queued', 0, ${j.pages}, ${at}, ${at})
    ON CONFLICT (document_id) DO NOTHING`);
}

export function getOcrJob(store: Store, documentId: string): OcrJobRow | undefined {
  return store.get<OcrJobRow>(sql`SELECT * FROM ocr_job WHERE document_id = ${documentId}`);
}

/** Jobs a restart left queued or running, oldest first. */
export function unfinishedOcrJobs(store: Store): OcrJobRow[] {
  return store.all<OcrJobRow>(sql`SELECT * FROM ocr_job WHERE state IN ('queued', 'running') ORDER BY created_at, document_id`);
}

export function setOcrJobState(store: Store, documentId: string, state: OcrJobState, errorCode: string | null = null): void {
  store.run(sql`UPDATE ocr_job SET state = ${state}, error_code = ${errorCode}, updated_at = ${now()} WHERE document_id = ${documentId}`);
}

export function setOcrProgress(store: Store, documentId: string, pagesDone: number): void {
  store.run(sql`UPDATE ocr_job SET pages_done = ${pagesDone}, updated_at = ${now()} WHERE document_id = ${documentId}`);
}

/**
 * Puts the text-layered bytes in place of the assembled ones, with the text of each page, in one transaction —
 * only while the document still holds the bytes the job started from and is unsigned. False: it changed meanwhile.
 */
export function swapInOcrResult(
  store: Store,
  r: { documentId: string; fromSha256: string; sha256: string; size: number; pages: { text: string; folded: string }[] },
): boolean {
  return store.tx(() => {
    const at = now();
    const doc = store.get<{ sha256: string; state: string }>(sql`SELECT sha256, state FROM document WHERE id = ${r.documentId}`);
    if (!doc || doc.sha256 !== r.fromSha256 || doc.state !== 'assembled') return false;
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${r.sha256}, ${r.size}, 'application/pdf', ${at})`);
    store.run(sql`UPDATE document SET sha256 = ${r.sha256}, updated_at = ${at} WHERE id = ${r.documentId}`);
    store.run(sql`DELETE FROM document_text WHERE document_id = ${r.documentId}`);
    r.pages.forEach((p, i) => store.run(sql`INSERT INTO document_text (document_id, page, text, folded) VALUES (${r.documentId}, ${i + 1}, ${p.text}, ${p.folded})`));
    store.run(sql`UPDATE ocr_job SET state = 'done', pages_done = pages_total, updated_at = ${at} WHERE document_id = ${r.documentId}`);
    return true;
  });
}

/**
 * Dossiers having a page whose recognised text holds `word` (folded, as a clerk types it), with all their
 * documents' text (folded) so the caller can check the query's other words. Purged documents are left out.
 */
export function dossiersWithText(store: Store, word: string, limit = 200): { dossierId: string; folded: string }[] {
  const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return store.all<{ dossierId: string; folded: string }>(
    sql`SELECT c.dossier_id AS dossierId, group_concat(t.folded, ' ') AS folded
      FROM document_text t JOIN document d ON d.id = t.document_id JOIN component c ON c.id = d.component_id
      WHERE d.state != 'purged' AND c.dossier_id IN (
        SELECT c2.dossier_id FROM document_text t2 JOIN document d2 ON d2.id = t2.document_id JOIN component c2 ON c2.id = d2.component_id
        WHERE d2.state != 'purged' AND t2.folded LIKE ${like} ESCAPE '\\')
      GROUP BY c.dossier_id LIMIT ${limit}`,
  );
}
