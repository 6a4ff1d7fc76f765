import { ulid } from '../../common/ids';
import type { Store } from './db';
import { sql } from './sql';

/** An earlier document of the same citizen that may fill a component instead of a new scan. */
export interface LocalReuseRow {
  document_id: string;
  sha256: string;
  file_name: string | null;
  page_count: number;
  pdfa_level: string | null;
  document_state: string;
  signed_at: string;
  component_id: string;
  type_code: string;
  component_name: string;
  kind: string;
  valid_from: string | null;
  valid_to: string | null;
  validity_scope: string | null;
  result_code: string | null;
  dossier_id: string;
  server_code: string | null;
  procedure_code: string;
}

/**
 * Signed documents of other dossiers of the same owner (CCCD/CMND/tax code) for the same MaThanhPhanHoSo, whose
 * validity has not ended on TODAY (yyyy-MM-dd) and whose local copy still exists. Newest first.
 */
export function localReuseRows(store: Store, o: { ownerIdType: string; ownerId: string; typeCode: string; excludeDossierId: string; today: string }): LocalReuseRow[] {
  return store.all<LocalReuseRow>(sql`SELECT d.id AS document_id, d.sha256, d.file_name, d.page_count, d.pdfa_level, d.state AS document_state,
      d.created_at AS signed_at, c.id AS component_id, c.type_code, c.name AS component_name, c.kind, c.valid_from, c.valid_to,
      c.validity_scope, c.result_code, x.id AS dossier_id, x.server_code, x.procedure_code
    FROM document d JOIN component c ON c.id = d.component_id JOIN dossier x ON x.id = c.dossier_id
    WHERE x.owner_id = ${o.ownerId} AND x.owner_id_type = ${o.ownerIdType} AND x.id != ${o.excludeDossierId}
      AND c.type_code = ${o.typeCode} AND d.state IN ('signed', 'synced')
      AND (c.valid_to IS NULL OR substr(c.valid_to, 1, 10) >= ${o.today})
      AND (c.valid_from IS NULL OR substr(c.valid_from, 1, 10) <= ${o.today})
    ORDER BY d.created_at DESC, d.id`);
}

/** An earlier dossier of the same owner the province holds (it has a MaHoSo) with a component of the code. */
export interface RemoteReuseSource {
  dossier_id: string;
  server_code: string;
  procedure_code: string;
  valid_from: string | null;
  valid_to: string | null;
  validity_scope: string | null;
}

/**
 * The MaHoSo of the owner's other dossiers that have a component of TYPECODE (whatever the state of its local copy:
 * a purged copy is exactly what the look-up through the target brings back), with that component's validity.
 */
export function remoteReuseSources(store: Store, o: { ownerIdType: string; ownerId: string; typeCode: string; excludeDossierId: string }): RemoteReuseSource[] {
  return store.all<RemoteReuseSource>(sql`SELECT x.id AS dossier_id, x.server_code, x.procedure_code, max(c.valid_from) AS valid_from,
      max(c.valid_to) AS valid_to, max(c.validity_scope) AS validity_scope
    FROM dossier x JOIN component c ON c.dossier_id = x.id
    WHERE x.owner_id = ${o.ownerId} AND x.owner_id_type = ${o.ownerIdType} AND x.id != ${o.excludeDossierId}
      AND x.server_code IS NOT NULL AND c.type_code = ${o.typeCode}
    GROUP BY x.id ORDER BY x.created_at DESC, x.id`);
}

/**
 * Attaches the earlier document (same bytes, same blob) to COMPONENT as a signed document with its signatures, and
 * sets the scored reuse fields (DuocTaiSuDung, MaKetQuaThayThe, DuocLayTuKhoDMQG). One transaction.
 */
export function attachReused(
  store: Store,
  o: {
    componentId: string;
    source: 'local' | 'remote';
    sourceDocumentId: string | null;
    sourceDossierCode: string | null;
    sha256: string;
    fileName: string;
    pageCount: number;
    pdfaLevel: string | null;
    reuse: 'reused' | 'reused_replaced';
    replacedResultCode: string | null;
    fromNationalStore: boolean;
    validFrom: string | null;
    validTo: string | null;
    actor: string | null;
    at: string;
    /** Bytes fetched from the target: the blob is new to this station and gets its row here. */
    newBlobSize?: number;
  },
): string {
  const id = ulid();
  store.tx(() => {
    if (o.newBlobSize !== undefined) {
      store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${o.sha256}, ${o.newBlobSize}, 'application/pdf', ${o.at})`);
    }
    store.run(sql`INSERT INTO document (id, component_id, sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
      VALUES (${id}, ${o.componentId}, ${o.sha256}, 'import', ${o.fileName}, ${o.pdfaLevel}, ${o.pageCount}, 'signed', ${o.at}, ${o.at})`);
    if (o.sourceDocumentId) {
      for (const s of store.all<{ role: string; signer_name: string; cert_sha256: string | null; level: string; signed_sha256: string; signed_at: string }>(
        sql`SELECT role, signer_name, cert_sha256, level, signed_sha256, signed_at FROM signature WHERE document_id = ${o.sourceDocumentId}`,
      )) {
        store.run(sql`INSERT INTO signature (id, document_id, role, signer_name, cert_sha256, level, signed_sha256, signed_at)
          VALUES (${ulid()}, ${id}, ${s.role}, ${s.signer_name}, ${s.cert_sha256}, ${s.level}, ${s.signed_sha256}, ${s.signed_at})`);
      }
    }
    store.run(sql`UPDATE component SET reuse = ${o.reuse}, replaced_result_code = ${o.replacedResultCode}, from_national_store = ${o.fromNationalStore ? 1 : 0},
      valid_from = coalesce(valid_from, ${o.validFrom}), valid_to = coalesce(valid_to, ${o.validTo}) WHERE id = ${o.componentId}`);
    store.run(sql`INSERT OR REPLACE INTO component_reuse (component_id, source, source_document_id, source_dossier_code, sha256, taken_by, taken_at)
      VALUES (${o.componentId}, ${o.source}, ${o.sourceDocumentId}, ${o.sourceDossierCode}, ${o.sha256}, ${o.actor}, ${o.at})`);
  });
  return id;
}
