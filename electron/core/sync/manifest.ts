import type { Dossier } from '../../common/schemas';
import type { Manifest, ManifestDocument } from './adapter';

export interface ManifestDocInput {
  componentId: string;
  documentId: string;
  sha256: string;
  fileId: string;
  fileName: string | null;
  pageCount: number;
  pdfaLevel: string | null;
  signatures: { role: string; signer_name: string; level: string; signed_at: string }[];
}

/** TrichYeuHoSo is truncated to 1000 characters by the real systems (spec §1): do it here, visibly. */
export const SUMMARY_MAX = 1000;

/**
 * Builds the protocol v1 manifest: every field the provincial scoring reads (per component DuocSoHoa,
 * MaThanhPhanHoSo, LoaiBan, reuse flags, MaGiayToKetQua; owner DinhDanhCHS + LoaiDoiTuong; KenhThucHien).
 */
export function buildManifest(d: Dossier, docs: ManifestDocInput[], agencyCode: string, resultFor: string | null = null): Manifest {
  const byComponent = new Map<string, ManifestDocument[]>();
  for (const x of docs) {
    const list = byComponent.get(x.componentId) ?? [];
    list.push({
      fileId: x.fileId,
      sha256: x.sha256,
      fileName: x.fileName ?? `${x.documentId}.pdf`,
      pageCount: x.pageCount,
      pdfaLevel: x.pdfaLevel,
      signatures: x.signatures.map((s) => ({ role: s.role, signer: s.signer_name, level: s.level, signedAt: s.signed_at })),
    });
    byComponent.set(x.componentId, list);
  }
  const manifest: Manifest = {
    draftId: d.id,
    stationId: d.stationId,
    procedureCode: d.procedureCode,
    agencyCode,
    receivedAt: d.createdAt,
    channel: (d.channel === 2 || d.channel === 3 ? d.channel : 1) as 1 | 2 | 3,
    // TrichYeuHoSo is required (1–1000): fall back to the procedure and owner.
    summary: (d.summary?.trim() || `${d.procedureName} — ${d.ownerName || d.ownerId}`).slice(0, SUMMARY_MAX),
    owner: { kind: d.ownerKind, idType: d.ownerIdType, id: d.ownerId, name: (d.ownerName.trim() || d.ownerId).slice(0, 200) },
    components: d.components.map((c) => {
      const documents = byComponent.get(c.id) ?? [];
      return {
        typeCode: c.typeCode,
        name: c.name,
        kind: c.kind,
        copyType: c.copyType,
        digitised: documents.length > 0 ? 1 : 0,
        reuse: c.reuse,
        replacedResultCode: c.replacedResultCode,
        fromNationalStore: c.fromNationalStore ? 1 : 0,
        resultCode: c.resultCode,
        summary: c.summary,
        validFrom: c.validFrom,
        validTo: c.validTo,
        validityScope: c.validityScope,
        documents,
      };
    }),
  };
  if (resultFor) manifest.resultFor = resultFor;
  return manifest;
}
