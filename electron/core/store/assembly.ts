import type { PageQualityCode, RotationReason } from '../../common/api/pages';
import { ulid } from '../../common/ids';
import type { Store } from './db';
import { sql } from './sql';

/** A page row as the PDF/A assembly needs it. */
export interface AssemblyPage {
  id: string;
  position: number;
  rawSha256: string;
  mediaType: string;
  width: number;
  height: number;
  dpi: number;
  pixelType: 'color' | 'gray' | 'bw';
  state: 'captured' | 'analysed' | 'encoded' | 'deleted';
  blankScore: number | null;
  blankFlag: 'none' | 'flagged' | 'confirmed_blank' | 'confirmed_keep';
  skewDeg: number | null;
  rotation: 0 | 90 | 180 | 270;
  /** 1/0 from capture or analysis; null when unknown. */
  compliant: number | null;
}

interface Row {
  id: string;
  position: number;
  raw_sha256: string;
  media_type: string;
  width: number;
  height: number;
  dpi: number;
  pixel_type: AssemblyPage['pixelType'];
  state: AssemblyPage['state'];
  blank_score: number | null;
  blank_flag: AssemblyPage['blankFlag'];
  skew_deg: number | null;
  rotation: AssemblyPage['rotation'];
  compliant: number | null;
}

/** The component's live content pages (not deleted, not a cover/separator sheet) in their order. */
export function pagesForAssembly(store: Store, componentId: string): AssemblyPage[] {
  return store
    .all<Row>(
      sql`SELECT p.id, p.position, p.raw_sha256, b.media_type, p.width, p.height, p.dpi, p.pixel_type, p.state, p.blank_score, p.blank_flag, p.skew_deg, p.rotation, p.compliant
        FROM page p JOIN blob b ON b.sha256 = p.raw_sha256
        WHERE p.component_id = ${componentId} AND p.state <> 'deleted' AND p.sheet IS NULL ORDER BY p.position, p.created_at`,
    )
    .map((r) => ({
      id: r.id,
      position: r.position,
      rawSha256: r.raw_sha256,
      mediaType: r.media_type,
      width: r.width,
      height: r.height,
      dpi: r.dpi,
      pixelType: r.pixel_type,
      state: r.state,
      blankScore: r.blank_score,
      blankFlag: r.blank_flag,
      skewDeg: r.skew_deg,
      rotation: r.rotation,
      compliant: r.compliant,
    }));
}

export interface ComponentInfo {
  componentId: string;
  componentName: string;
  typeCode: string;
  dossierId: string;
  dossierState: string;
  procedureCode: string;
  stationName: string;
}

export function componentForAssembly(store: Store, componentId: string): ComponentInfo | undefined {
  const r = store.get<{ id: string; name: string; type_code: string; dossier_id: string; state: string; procedure_code: string; station_name: string }>(
    sql`SELECT c.id, c.name, c.type_code, c.dossier_id, d.state, d.procedure_code, s.name AS station_name
      FROM component c JOIN dossier d ON d.id = c.dossier_id JOIN station s ON s.id = d.station_id WHERE c.id = ${componentId}`,
  );
  return r
    ? { componentId: r.id, componentName: r.name, typeCode: r.type_code, dossierId: r.dossier_id, dossierState: r.state, procedureCode: r.procedure_code, stationName: r.station_name }
    : undefined;
}

export interface PageAnalysisRow {
  blankScore: number;
  /** 'flagged' or 'none'; never overrides a clerk's confirmed decision. */
  blankFlag: 'none' | 'flagged';
  skewDeg: number;
  compliant: boolean;
  /** Set the page's rotation (auto-orientation at first analysis) when not null. */
  rotation: 0 | 90 | 180 | 270 | null;
  /** Why the analysis turned it (stored with `rotation`). */
  rotationReason: RotationReason | null;
  quality: PageQualityCode[];
}

/** Stores one page's analysis; a page still 'captured' becomes 'analysed'. */
export function recordPageAnalysis(store: Store, pageId: string, a: PageAnalysisRow): void {
  store.tx(() => {
    store.run(sql`UPDATE page SET blank_score = ${a.blankScore}, skew_deg = ${a.skewDeg}, compliant = ${a.compliant ? 1 : 0},
      blank_flag = CASE WHEN blank_flag IN ('confirmed_blank', 'confirmed_keep') THEN blank_flag ELSE ${a.blankFlag} END,
      quality_json = ${JSON.stringify(a.quality)},
      state = CASE WHEN state = 'captured' THEN 'analysed' ELSE state END
      WHERE id = ${pageId}`);
    if (a.rotation !== null) store.run(sql`UPDATE page SET rotation = ${a.rotation}, rotation_reason = ${a.rotationReason} WHERE id = ${pageId}`);
  });
}

export interface ScanDocumentRow {
  componentId: string;
  sha256: string;
  size: number;
  pageCount: number;
  pdfaLevel: '1b' | '2b';
  fileName: string;
  at: string;
}

/** The blob row and the document row of an assembled scan, in one transaction. Returns the document id. */
export function insertScanDocument(store: Store, d: ScanDocumentRow): string {
  const id = ulid();
  store.tx(() => {
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${d.sha256}, ${d.size}, 'application/pdf', ${d.at})`);
    store.run(sql`INSERT INTO document (id, component_id, sha256, original_sha256, source, file_name, pdfa_level, page_count, state, created_at, updated_at)
      VALUES (${id}, ${d.componentId}, ${d.sha256}, NULL, 'scan', ${d.fileName}, ${d.pdfaLevel}, ${d.pageCount}, 'assembled', ${d.at}, ${d.at})`);
    store.run(sql`UPDATE dossier SET updated_at = ${d.at} WHERE id = (SELECT dossier_id FROM component WHERE id = ${d.componentId})`);
  });
  return id;
}
