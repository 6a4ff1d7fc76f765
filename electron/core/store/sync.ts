import type { Store } from './db';
import { sql } from './sql';

/**
 * SQL of the outbox and of what the server confirmed. The outbox holds one `commit` row per dossier round
 * and one `upload` row per document; every transition is a committed row so a killed process resumes.
 */

/** Documents the station sends: signed ones (and those already synced or purged after sync). */
export const SYNCABLE_STATES = ['signed', 'synced', 'purged'] as const;

export interface OutboxRow {
  id: number;
  kind: 'upload' | 'commit';
  dossier_id: string;
  document_id: string | null;
  sha256: string | null;
  state: 'pending' | 'inflight' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_error_code: string | null;
  last_error: string | null;
  remote_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncDocumentRow {
  document_id: string;
  component_id: string;
  sha256: string;
  file_name: string | null;
  pdfa_level: string | null;
  page_count: number;
  state: string;
  file_id: string | null;
  synced_sha256: string | null;
  synced_at: string | null;
  purged_at: string | null;
}

export interface SignatureRow {
  document_id: string;
  role: string;
  signer_name: string;
  level: string;
  signed_at: string;
}

export interface ReceiptFile {
  fileId: string;
  sha256: string;
}

export interface Receipt {
  draftId: string;
  dossierCode: string;
  committedAt?: string | undefined;
  files: ReceiptFile[];
}

/** Signed documents of a dossier with their sync bookkeeping. */
export function syncDocuments(store: Store, dossierId: string): SyncDocumentRow[] {
  return store.all<SyncDocumentRow>(sql`SELECT d.id AS document_id, d.component_id, d.sha256, d.file_name, d.pdfa_level, d.page_count, d.state,
      CASE WHEN s.sha256 = d.sha256 THEN s.file_id END AS file_id, s.sha256 AS synced_sha256,
      CASE WHEN s.sha256 = d.sha256 THEN s.synced_at END AS synced_at, s.purged_at
    FROM document d JOIN component c ON c.id = d.component_id
    LEFT JOIN document_sync s ON s.document_id = d.id
    WHERE c.dossier_id = ${dossierId} AND d.state IN ('signed', 'synced', 'purged')
    ORDER BY c.position, d.created_at, d.id`);
}

export function documentSignatures(store: Store, documentId: string): SignatureRow[] {
  return store.all<SignatureRow>(
    sql`SELECT document_id, role, signer_name, level, signed_at FROM signature WHERE document_id = ${documentId} ORDER BY signed_at, id`,
  );
}

/**
 * Queues a dossier: an upload row per signed document not yet confirmed, one open commit row, state
 * 'queued'. Idempotent: queuing twice adds nothing.
 */
export function enqueueDossier(store: Store, dossierId: string, at: string): { uploads: number } {
  return store.tx(() => {
    const docs = syncDocuments(store, dossierId);
    let uploads = 0;
    for (const d of docs) {
      if (d.synced_at !== null) continue;
      if (d.synced_sha256 !== null && d.synced_sha256 !== d.sha256) {
        // Re-signed after an earlier round: the new bytes are a new upload.
        store.run(sql`UPDATE document_sync SET sha256 = ${d.sha256}, file_id = NULL, uploaded_at = NULL, synced_at = NULL, dossier_code = NULL
          WHERE document_id = ${d.document_id}`);
      }
      store.run(sql`INSERT OR IGNORE INTO document_sync (document_id, sha256) VALUES (${d.document_id}, ${d.sha256})`);
      const r = store.run(sql`INSERT OR IGNORE INTO outbox (kind, dossier_id, document_id, sha256, state, created_at, updated_at)
        VALUES ('upload', ${dossierId}, ${d.document_id}, ${d.sha256}, 'pending', ${at}, ${at})`);
      uploads += r.changes;
    }
    const open = store.get<{ id: number }>(sql`SELECT id FROM outbox WHERE kind = 'commit' AND dossier_id = ${dossierId} AND state != 'done' LIMIT 1`);
    if (!open) {
      store.run(sql`INSERT INTO outbox (kind, dossier_id, state, created_at, updated_at) VALUES ('commit', ${dossierId}, 'pending', ${at}, ${at})`);
    }
    store.run(sql`UPDATE dossier SET state = 'queued', queued_at = ${at}, updated_at = ${at} WHERE id = ${dossierId}`);
    return { uploads };
  });
}

/** After a crash nothing is really in flight: back to pending (work is idempotent). */
export function resetInflight(store: Store, at: string): number {
  return store.run(sql`UPDATE outbox SET state = 'pending', updated_at = ${at} WHERE state = 'inflight'`).changes;
}

/** Commit rows whose turn has come (failed ones too: they are retried on a slow cadence); never one in flight. */
export function dueCommits(store: Store, now: string, limit: number): OutboxRow[] {
  return store.all<OutboxRow>(sql`SELECT * FROM outbox WHERE kind = 'commit' AND state IN ('pending', 'failed')
      AND (next_attempt_at IS NULL OR next_attempt_at <= ${now})
    ORDER BY coalesce(next_attempt_at, created_at), id LIMIT ${limit}`);
}

/** The earliest time an open commit row becomes due (to sleep until then). */
export function nextDueAt(store: Store): string | null {
  const r = store.get<{ at: string | null }>(sql`SELECT min(coalesce(next_attempt_at, created_at)) AS at FROM outbox WHERE kind = 'commit' AND state != 'done'`);
  return r?.at ?? null;
}

export function markInflight(store: Store, id: number, at: string): void {
  store.run(sql`UPDATE outbox SET state = 'inflight', attempts = attempts + 1, updated_at = ${at} WHERE id = ${id}`);
}

export function markFailed(store: Store, id: number, o: { code: string; message: string; nextAttemptAt: string; permanent: boolean; at: string }): void {
  store.run(sql`UPDATE outbox SET state = ${o.permanent ? 'failed' : 'pending'}, next_attempt_at = ${o.nextAttemptAt},
      last_error_code = ${o.code}, last_error = ${o.message.slice(0, 500)}, updated_at = ${o.at} WHERE id = ${id}`);
  store.run(sql`UPDATE outbox SET last_error_code = ${o.code}, last_error = ${o.message.slice(0, 500)}, updated_at = ${o.at}
    WHERE kind = 'upload' AND state != 'done' AND dossier_id = (SELECT dossier_id FROM outbox WHERE id = ${id})`);
}

export function recordFileId(store: Store, documentId: string, sha256: string, fileId: string, at: string): void {
  store.tx(() => {
    store.run(sql`UPDATE document_sync SET file_id = ${fileId}, uploaded_at = coalesce(uploaded_at, ${at}) WHERE document_id = ${documentId} AND sha256 = ${sha256}`);
    store.run(sql`UPDATE outbox SET remote_id = ${fileId}, updated_at = ${at} WHERE kind = 'upload' AND document_id = ${documentId} AND sha256 = ${sha256}`);
  });
}

export interface ApplyResult {
  dossierCode: string;
  confirmed: number;
  missing: string[];
  complete: boolean;
}

/**
 * Applies a server receipt: binds the dossier code (keeping the draft id), and marks synced exactly the
 * documents whose sha256 the receipt lists. The dossier becomes 'synced' only when none is missing.
 */
export function applyReceipt(store: Store, dossierId: string, receipt: Receipt, via: 'commit' | 'conflict' | 'lookup', at: string): ApplyResult {
  return store.tx(() => {
    store.run(sql`INSERT INTO sync_receipt (dossier_id, dossier_code, committed_at, received_at, via, receipt_json)
      VALUES (${dossierId}, ${receipt.dossierCode}, ${receipt.committedAt ?? null}, ${at}, ${via}, ${JSON.stringify(receipt)})`);
    // A result dossier's receipt names the intake dossier's MaHoSo (its results are attached there, spec §1/§4): that code
    // stays bound to the intake dossier; the result dossier keeps it as result_for_code and its receipt row.
    store.run(sql`UPDATE dossier SET server_code = ${receipt.dossierCode}, updated_at = ${at} WHERE id = ${dossierId} AND server_code IS NULL
      AND NOT EXISTS (SELECT 1 FROM dossier o WHERE o.server_code = ${receipt.dossierCode} AND o.id != ${dossierId})`);
    const listed = new Map(receipt.files.map((f) => [f.sha256, f.fileId]));
    const docs = syncDocuments(store, dossierId);
    const missing: string[] = [];
    let confirmed = 0;
    for (const d of docs) {
      const fileId = listed.get(d.sha256);
      if (fileId === undefined) {
        missing.push(d.sha256);
        continue;
      }
      confirmed++;
      if (d.synced_at !== null) continue;
      store.run(sql`INSERT INTO document_sync (document_id, sha256, file_id, synced_at, dossier_code) VALUES (${d.document_id}, ${d.sha256}, ${fileId}, ${at}, ${receipt.dossierCode})
        ON CONFLICT (document_id) DO UPDATE SET sha256 = excluded.sha256, file_id = excluded.file_id, synced_at = excluded.synced_at, dossier_code = excluded.dossier_code`);
      store.run(sql`UPDATE document SET state = 'synced', updated_at = ${at} WHERE id = ${d.document_id} AND state = 'signed'`);
      store.run(sql`UPDATE outbox SET state = 'done', remote_id = ${fileId}, updated_at = ${at} WHERE kind = 'upload' AND document_id = ${d.document_id} AND sha256 = ${d.sha256}`);
    }
    const complete = missing.length === 0;
    if (complete) {
      store.run(sql`UPDATE dossier SET state = 'synced', synced_at = ${at}, updated_at = ${at} WHERE id = ${dossierId}`);
      store.run(sql`UPDATE outbox SET state = 'done', remote_id = ${receipt.dossierCode}, updated_at = ${at}
        WHERE kind = 'commit' AND dossier_id = ${dossierId} AND state != 'done'`);
    }
    return { dossierCode: receipt.dossierCode, confirmed, missing, complete };
  });
}

export function boundServerCode(store: Store, dossierId: string): string | null {
  return store.get<{ server_code: string | null }>(sql`SELECT server_code FROM dossier WHERE id = ${dossierId}`)?.server_code ?? null;
}

export interface OutboxCounts {
  pendingDossiers: number;
  failedDossiers: number;
  pendingUploads: number;
  syncedDocuments: number;
  lastErrorCode: string | null;
  lastError: string | null;
}

export function outboxCounts(store: Store): OutboxCounts {
  const c = store.get<{ pending: number; failed: number }>(sql`SELECT
      coalesce(sum(CASE WHEN state IN ('pending', 'inflight') THEN 1 ELSE 0 END), 0) AS pending,
      coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS failed
    FROM outbox WHERE kind = 'commit'`)!;
  const u = store.get<{ n: number }>(sql`SELECT count(*) AS n FROM outbox WHERE kind = 'upload' AND state != 'done'`)!;
  const s = store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document_sync WHERE synced_at IS NOT NULL`)!;
  const e = store.get<{ last_error_code: string | null; last_error: string | null }>(
    sql`SELECT last_error_code, last_error FROM outbox WHERE kind = 'commit' AND state != 'done' AND last_error_code IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
  );
  return {
    pendingDossiers: c.pending,
    failedDossiers: c.failed,
    pendingUploads: u.n,
    syncedDocuments: s.n,
    lastErrorCode: e?.last_error_code ?? null,
    lastError: e?.last_error ?? null,
  };
}

/** Makes every open commit row due now (`sync now`). */
export function makeAllDue(store: Store, at: string): number {
  return store.run(sql`UPDATE outbox SET next_attempt_at = NULL, updated_at = ${at} WHERE kind = 'commit' AND state != 'done'`).changes;
}

// ---- retention ----

export interface PurgeCandidate {
  document_id: string;
  sha256: string;
  original_sha256: string | null;
  component_id: string;
  synced_at: string;
}

/**
 * Documents whose local copy may go: the server's receipt listed their sha256 (document_sync.synced_at,
 * written only from a receipt) and that happened before `cutoff` (now − retention period).
 */
export function purgeCandidates(store: Store, cutoff: string, limit: number): PurgeCandidate[] {
  return store.all<PurgeCandidate>(sql`SELECT d.id AS document_id, d.sha256, d.original_sha256, d.component_id, s.synced_at
    FROM document d JOIN document_sync s ON s.document_id = d.id AND s.sha256 = d.sha256
    WHERE d.state = 'synced' AND s.synced_at IS NOT NULL AND s.synced_at <= ${cutoff} AND s.purged_at IS NULL
      AND EXISTS (SELECT 1 FROM sync_receipt r JOIN dossier x ON x.id = r.dossier_id JOIN component c ON c.dossier_id = x.id
                  WHERE c.id = d.component_id AND instr(r.receipt_json, d.sha256) > 0)
    ORDER BY s.synced_at LIMIT ${limit}`);
}

/**
 * True while anything not purged still needs the blob: a document (current or original bytes) that is
 * not purged, or a page of a component that still has an unpurged document or no document yet.
 */
export function blobStillNeeded(store: Store, sha256: string): boolean {
  const r = store.get<{ n: number }>(sql`SELECT
      (SELECT count(*) FROM document WHERE state != 'purged' AND (sha256 = ${sha256} OR original_sha256 = ${sha256}))
    + (SELECT count(*) FROM page p WHERE (p.raw_sha256 = ${sha256} OR p.encoded_sha256 = ${sha256})
         AND (EXISTS (SELECT 1 FROM document d WHERE d.component_id = p.component_id AND d.state != 'purged')
              OR NOT EXISTS (SELECT 1 FROM document d WHERE d.component_id = p.component_id))) AS n`);
  return (r?.n ?? 0) > 0;
}

export function componentPageBlobs(store: Store, componentId: string): string[] {
  const rows = store.all<{ raw_sha256: string; encoded_sha256: string | null }>(sql`SELECT raw_sha256, encoded_sha256 FROM page WHERE component_id = ${componentId}`);
  return rows.flatMap((r) => (r.encoded_sha256 ? [r.raw_sha256, r.encoded_sha256] : [r.raw_sha256]));
}

/** True while the component still has a document whose local copy is needed (not yet purged). */
export function componentHasUnpurgedDocuments(store: Store, componentId: string): boolean {
  const r = store.get<{ n: number }>(sql`SELECT count(*) AS n FROM document WHERE component_id = ${componentId} AND state != 'purged'`);
  return (r?.n ?? 0) > 0;
}

export function markDocumentPurged(store: Store, documentId: string, at: string): void {
  store.run(sql`UPDATE document_sync SET purged_at = ${at} WHERE document_id = ${documentId}`);
  store.run(sql`UPDATE document SET state = 'purged', updated_at = ${at} WHERE id = ${documentId}`);
}

export function markBlobPurged(store: Store, sha256: string, at: string): void {
  store.run(sql`INSERT OR IGNORE INTO blob_purge (sha256, purged_at) SELECT sha256, ${at} FROM blob WHERE sha256 = ${sha256}`);
}

export function resultForCode(store: Store, dossierId: string): string | null {
  return store.get<{ c: string | null }>(sql`SELECT result_for_code AS c FROM dossier WHERE id = ${dossierId}`)?.c ?? null;
}

export function stationAgencyCode(store: Store): string | null {
  return store.get<{ c: string | null }>(sql`SELECT agency_code AS c FROM station LIMIT 1`)?.c ?? null;
}

/** Forget file ids of not-yet-confirmed documents (the server said it does not know them). */
export function clearUnconfirmedFileIds(store: Store, dossierId: string): void {
  store.run(sql`UPDATE document_sync SET file_id = NULL WHERE synced_at IS NULL AND document_id IN
    (SELECT d.id FROM document d JOIN component c ON c.id = d.component_id WHERE c.dossier_id = ${dossierId})`);
}
