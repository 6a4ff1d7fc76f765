import { StationError } from '../../common/errors';
import { ulid } from '../../common/ids';
import type { Store } from './db';
import { sql } from './sql';

export interface DocumentForSigning {
  id: string;
  componentId: string;
  dossierId: string;
  sha256: string;
  state: string;
  pageCount: number;
  createdAt: string;
}

export function documentForSigning(store: Store, id: string): DocumentForSigning | undefined {
  const r = store.get<{ id: string; component_id: string; dossier_id: string; sha256: string; state: string; page_count: number; created_at: string }>(
    sql`SELECT d.id, d.component_id, c.dossier_id, d.sha256, d.state, d.page_count, d.created_at FROM document d JOIN component c ON c.id = d.component_id WHERE d.id = ${id}`,
  );
  return r
    ? { id: r.id, componentId: r.component_id, dossierId: r.dossier_id, sha256: r.sha256, state: r.state, pageCount: r.page_count, createdAt: r.created_at }
    : undefined;
}

export interface SignatureRowInput {
  documentId: string;
  /** The bytes that were signed: the row is only updated if the document still holds them (no lost update). */
  previousSha256: string;
  role: 'clerk' | 'agency' | 'timestamp';
  signerName: string;
  certSha256: string | null;
  certIssuer: string | null;
  level: 'B-B' | 'B-T' | 'B-LT' | 'DTS';
  newSha256: string;
  newSize: number;
  fieldName: string;
  tsaTime: string | null;
  signedBy: string | null;
  chainStatus: 'trusted' | 'unchecked' | null;
  revocationStatus: 'good' | 'unknown' | 'unchecked' | null;
  /** Queue a document timestamp (TSA was unreachable). */
  queueTimestamp: boolean;
  at: string;
}

/** Blob row, document's new bytes and state, the signature row, and the timestamp queue — one transaction. */
export function recordSignature(store: Store, s: SignatureRowInput): string {
  const id = ulid();
  store.tx(() => {
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${s.newSha256}, ${s.newSize}, 'application/pdf', ${s.at})`);
    const changed = store.run(sql`UPDATE document SET sha256 = ${s.newSha256}, state = 'signed', updated_at = ${s.at} WHERE id = ${s.documentId} AND sha256 = ${s.previousSha256}`).changes;
    if (changed !== 1) throw new StationError('CONFLICT', `document ${s.documentId} changed while it was being signed`, { documentId: s.documentId });
    store.run(sql`INSERT INTO signature (id, document_id, role, signer_name, cert_sha256, level, signed_sha256, signed_at, field_name, tsa_time, signed_by, cert_issuer, chain_status, revocation_status)
      VALUES (${id}, ${s.documentId}, ${s.role}, ${s.signerName}, ${s.certSha256}, ${s.level}, ${s.newSha256}, ${s.at}, ${s.fieldName}, ${s.tsaTime}, (SELECT id FROM user WHERE id = ${s.signedBy}), ${s.certIssuer}, ${s.chainStatus}, ${s.revocationStatus})`);
    if (s.queueTimestamp) {
      store.run(sql`INSERT INTO timestamp_queue (document_id, queued_at) VALUES (${s.documentId}, ${s.at}) ON CONFLICT (document_id) DO NOTHING`);
    } else if (s.role === 'timestamp') {
      store.run(sql`DELETE FROM timestamp_queue WHERE document_id = ${s.documentId}`);
    }
    store.run(sql`UPDATE dossier SET updated_at = ${s.at} WHERE id = (SELECT c.dossier_id FROM component c JOIN document d ON d.component_id = c.id WHERE d.id = ${s.documentId})`);
  });
  return id;
}

export interface SignatureRow {
  id: string;
  role: 'clerk' | 'agency' | 'timestamp';
  signerName: string;
  certSha256: string | null;
  level: 'B-B' | 'B-T' | 'B-LT' | 'DTS';
  signedSha256: string;
  signedAt: string;
  fieldName: string | null;
  tsaTime: string | null;
}

export function signaturesOf(store: Store, documentId: string): SignatureRow[] {
  return store
    .all<{
      id: string;
      role: SignatureRow['role'];
      signer_name: string;
      cert_sha256: string | null;
      level: SignatureRow['level'];
      signed_sha256: string;
      signed_at: string;
      field_name: string | null;
      tsa_time: string | null;
    }>(sql`SELECT id, role, signer_name, cert_sha256, level, signed_sha256, signed_at, field_name, tsa_time FROM signature WHERE document_id = ${documentId} ORDER BY signed_at, rowid`)
    .map((r) => ({
      id: r.id,
      role: r.role,
      signerName: r.signer_name,
      certSha256: r.cert_sha256,
      level: r.level,
      signedSha256: r.signed_sha256,
      signedAt: r.signed_at,
      fieldName: r.field_name,
      tsaTime: r.tsa_time,
    }));
}

export function pendingTimestamps(store: Store, now: string, limit = 50): { documentId: string; attempts: number }[] {
  return store
    .all<{ document_id: string; attempts: number }>(
      sql`SELECT document_id, attempts FROM timestamp_queue WHERE next_attempt_at IS NULL OR next_attempt_at <= ${now} ORDER BY queued_at LIMIT ${limit}`,
    )
    .map((r) => ({ documentId: r.document_id, attempts: r.attempts }));
}

export function timestampAttemptFailed(store: Store, documentId: string, error: string, nextAttemptAt: string): void {
  store.run(sql`UPDATE timestamp_queue SET attempts = attempts + 1, last_error = ${error}, next_attempt_at = ${nextAttemptAt} WHERE document_id = ${documentId}`);
}

export function countBlobs(store: Store): number {
  return store.get<{ n: number }>(sql`SELECT count(*) AS n FROM blob`)?.n ?? 0;
}

/** Documents of the dossier carrying a signature by the certificate with this SHA-256 (the demo one). */
export function demoSignedDocuments(store: Store, dossierId: string, certSha256: string): string[] {
  return store
    .all<{ id: string }>(
      sql`SELECT DISTINCT d.id FROM document d JOIN component c ON c.id = d.component_id JOIN signature s ON s.document_id = d.id
        WHERE c.dossier_id = ${dossierId} AND s.cert_sha256 = ${certSha256}`,
    )
    .map((r) => r.id);
}
