import { StationError } from '../../common/errors';
import type { Dossier } from '../../common/schemas';
import type { Station } from '../station/station';
import { appendAudit } from '../store/audit';
import { findComponent, getDossier } from '../store/dossiers';
import { attachReused, localReuseRows } from '../store/reuse';
import { readSyncSettings } from '../sync/settings';
import { assertNotAbandoned } from './abandon';

/**
 * Reuse look-up ("digitise once", the 000/001 letters; NĐ 45/2020 Art. 15): before scanning a component, offer
 * the citizen's documents already digitised at this station for the same component code that are still valid.
 * Taking one attaches the same signed bytes and sets the scored reuse fields: DuocTaiSuDung 1 (or 2 with
 * MaKetQuaThayThe when the earlier document was a result with its MaGiayToKetQua), DuocLayTuKhoDMQG 0 (local copy).
 */
export interface ReuseCandidate {
  /** local: a signed copy on this station; remote: a document the target holds (fetched when taken). */
  source: 'local' | 'remote';
  /** The local document (null for a remote candidate: it is taken by dossierCode + sha256). */
  documentId: string | null;
  sha256: string;
  fileName: string | null;
  /** Unknown (null) for a remote document until it is fetched. */
  pageCount: number | null;
  pdfaLevel: string | null;
  typeCode: string;
  componentName: string;
  kind: string;
  validFrom: string | null;
  validTo: string | null;
  validityScope: string | null;
  resultCode: string | null;
  /** The local dossier it came from (null: a dossier of another station, known only to the target). */
  dossierId: string | null;
  dossierCode: string | null;
  procedureCode: string | null;
  signedAt: string | null;
  /** DuocLayTuKhoDMQG once taken. */
  fromNationalStore: boolean;
}

function today(station: Station, now: Date): string {
  const off = readSyncSettings(station.store).utcOffsetMinutes;
  return new Date(now.getTime() + off * 60_000).toISOString().slice(0, 10);
}

export function reuseCandidates(station: Station, componentId: string, now = new Date()): ReuseCandidate[] {
  const c = findComponent(station.store, componentId);
  if (!c) throw new StationError('NOT_FOUND', `no component ${componentId}`, { componentId });
  const d = getDossier(station.store, c.dossierId)!;
  const rows = localReuseRows(station.store, { ownerIdType: d.ownerIdType, ownerId: d.ownerId, typeCode: c.typeCode, excludeDossierId: d.id, today: today(station, now) });
  const seen = new Set<string>();
  return rows
    .filter((r) => !seen.has(r.sha256) && seen.add(r.sha256) !== undefined)
    .map((r) => ({
      source: 'local' as const,
      documentId: r.document_id,
      sha256: r.sha256,
      fileName: r.file_name,
      pageCount: r.page_count,
      pdfaLevel: r.pdfa_level,
      typeCode: r.type_code,
      componentName: r.component_name,
      kind: r.kind,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      validityScope: r.validity_scope,
      resultCode: r.result_code,
      dossierId: r.dossier_id,
      dossierCode: r.server_code,
      procedureCode: r.procedure_code,
      signedAt: r.signed_at,
      fromNationalStore: false,
    }));
}

export function takeReuse(station: Station, componentId: string, p: { documentId: string; replacedResultCode?: string | null | undefined }, actor: string | null): Dossier {
  const { store, blobs } = station;
  const c = findComponent(store, componentId);
  if (!c) throw new StationError('NOT_FOUND', `no component ${componentId}`, { componentId });
  const d = getDossier(store, c.dossierId)!;
  assertNotAbandoned(store, componentId);
  if (d.state === 'queued' || d.state === 'synced') {
    throw new StationError('DOSSIER_NOT_EDITABLE', `dossier ${d.id} is ${d.state}`, { id: d.id, state: d.state });
  }
  // Only what the look-up offers may be taken: same owner, same component code, still valid, copy present.
  const cand = reuseCandidates(station, componentId).find((x) => x.documentId === p.documentId);
  if (!cand?.documentId) throw new StationError('NOT_FOUND', `document ${p.documentId} is not a valid reuse candidate for this component`, { componentId, documentId: p.documentId });
  blobs.get(cand.sha256, { verify: true });
  const replaced = p.replacedResultCode ?? cand.resultCode;
  store.tx(() => {
    attachReused(store, {
      componentId,
      source: 'local',
      sourceDocumentId: cand.documentId,
      sourceDossierCode: cand.dossierCode,
      sha256: cand.sha256,
      fileName: cand.fileName ?? `${cand.typeCode}.pdf`,
      pageCount: cand.pageCount ?? 0,
      pdfaLevel: cand.pdfaLevel,
      reuse: replaced ? 'reused_replaced' : 'reused',
      replacedResultCode: replaced ?? null,
      fromNationalStore: false,
      validFrom: cand.validFrom,
      validTo: cand.validTo,
      actor,
      at: new Date().toISOString(),
    });
    appendAudit(store, { actor, action: 'component.reuse', subjectType: 'component', subjectId: componentId, details: { documentId: cand.documentId, sha256: cand.sha256 } });
  });
  return getDossier(store, d.id)!;
}
