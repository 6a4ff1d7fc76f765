import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AssembledDocument } from '../../common/assembly';
import { StationError } from '../../common/errors';
import { ulid } from '../../common/ids';
import { decodeImage } from '../imaging/decode';
import { appendAudit } from '../store/audit';
import { componentForAssembly, insertScanDocument, pagesForAssembly, recordPageAnalysis, type AssemblyPage } from '../store/assembly';
import type { Station } from '../station/station';
import { assemblePdf, type PageSource } from './assemble';
import type { ProfileId } from '../../common/compressionProfiles';
import type { PdfALevel } from './writer';
import { assertNotAbandoned } from '../dossiers/abandon';

export interface AssembleComponentParams {
  componentId: string;
  profile: ProfileId;
  level: PdfALevel;
  actor: string | null;
}

/**
 * documents.assemble: the component's pages (position order; deleted and clerk-confirmed blank pages left
 * out, flagged pages kept) → analysed where not yet (results stored on the page rows) → rotated as the page
 * row says (or as detected at first analysis) → deskewed → encoded with the profile → one streaming PDF/A
 * file in the data directory's tmp → blob store → `document` row (source 'scan') → `document.assembled`.
 */
export async function assembleComponent(station: Station, p: AssembleComponentParams): Promise<AssembledDocument> {
  const { store, blobs } = station;
  const info = componentForAssembly(store, p.componentId);
  if (!info) throw new StationError('NOT_FOUND', `no component ${p.componentId}`, { componentId: p.componentId });
  if (info.dossierState === 'queued' || info.dossierState === 'synced') {
    throw new StationError('CONFLICT', `dossier ${info.dossierId} is ${info.dossierState}: its documents can no longer change`, { dossierId: info.dossierId });
  }
  assertNotAbandoned(store, p.componentId);
  const all = pagesForAssembly(store, p.componentId);
  const pages = all.filter((pg) => pg.blankFlag !== 'confirmed_blank');
  if (pages.length === 0) {
    throw new StationError('INVALID_REQUEST', `component ${p.componentId} has no pages to assemble`, { componentId: p.componentId, pages: all.length });
  }
  const sources: PageSource[] = pages.map((pg: AssemblyPage) => {
    const analysed = pg.blankScore !== null && pg.skewDeg !== null;
    return {
      label: pg.id,
      dpi: pg.dpi,
      // First analysis decides the orientation; afterwards the stored rotation (the clerk's) is the truth.
      ...(analysed || pg.rotation !== 0 ? { rotation: pg.rotation } : {}),
      ...(analysed ? { skewDeg: pg.skewDeg! } : {}),
      load: () => decodeImage(blobs.get(pg.rawSha256, { verify: true }), { mediaType: pg.mediaType, dpiHint: pg.dpi }),
    };
  });
  mkdirSync(station.layout.tmp, { recursive: true, mode: 0o700 });
  const tmp = join(station.layout.tmp, `assemble-${ulid()}.pdf`);
  try {
    const fileName = `${info.typeCode}.pdf`.replace(/[^\p{L}\p{N}._-]+/gu, '_');
    const result = await assemblePdf(sources, tmp, {
      profile: p.profile,
      level: p.level,
      meta: {
        title: info.componentName,
        author: info.stationName,
        subject: `Hồ sơ ${info.dossierId} · thủ tục ${info.procedureCode}`,
        keywords: info.typeCode,
        creator: 'SoHoa Station',
      },
      onPage: (i, outcome) => {
        const pg = pages[i]!;
        const a = outcome.analysis;
        if (a && (pg.blankScore === null || pg.skewDeg === null)) {
          recordPageAnalysis(store, pg.id, {
            blankScore: a.blankScore,
            blankFlag: a.blankFlag,
            skewDeg: outcome.skewDeg,
            compliant: a.compliant,
            rotation: pg.rotation === 0 && outcome.rotation !== 0 ? outcome.rotation : null,
            rotationReason: outcome.rotationReason,
            quality: a.quality,
          });
        }
      },
    });
    const after = pagesForAssembly(store, p.componentId).filter((pg) => pg.blankFlag !== 'confirmed_blank');
    const flaggedBlank = after.filter((pg) => pg.blankFlag === 'flagged').length;
    const nonCompliant = after.filter((pg) => pg.compliant === 0).length;
    const put = await blobs.putFile(tmp, { move: true });
    const at = new Date().toISOString();
    const documentId = insertScanDocument(store, {
      componentId: p.componentId,
      sha256: put.sha256,
      size: put.size,
      pageCount: result.written.pages,
      pdfaLevel: p.level,
      fileName,
      at,
    });
    appendAudit(store, {
      actor: p.actor,
      action: 'document.assemble',
      subjectType: 'document',
      subjectId: documentId,
      details: { componentId: p.componentId, pages: result.written.pages, profile: p.profile, level: p.level, sha256: put.sha256 },
    });
    const doc: AssembledDocument = {
      documentId,
      componentId: p.componentId,
      dossierId: info.dossierId,
      sha256: put.sha256,
      size: put.size,
      pageCount: result.written.pages,
      pdfaLevel: p.level,
      profile: p.profile,
      skippedBlank: all.length - pages.length,
      flaggedBlank,
      nonCompliantPages: nonCompliant,
      createdAt: at,
    };
    station.emit('document.assembled', { ...doc });
    return doc;
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.part`, { force: true });
  }
}
