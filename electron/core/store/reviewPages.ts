import type { ReviewPage } from '../../common/api/pages';
import type { Store } from './db';
import { sql } from './sql';

interface PageRow {
  id: string;
  component_id: string;
  scan_job_id: string | null;
  seq: number;
  position: number;
  raw_sha256: string;
  encoded_sha256: string | null;
  width: number;
  height: number;
  dpi: number;
  pixel_type: 'color' | 'gray' | 'bw';
  state: 'captured' | 'analysed' | 'encoded' | 'deleted';
  blank_score: number | null;
  compliant: number | null;
  blank_flag: ReviewPage['blankFlag'];
  rotation: 0 | 90 | 180 | 270;
  rotation_reason: ReviewPage['rotationReason'];
  quality_json: string;
  sheet: ReviewPage['sheet'];
  sheet_problem: ReviewPage['sheetProblem'];
  created_at: string;
}

function toReview(r: PageRow): ReviewPage {
  return {
    id: r.id,
    componentId: r.component_id,
    jobId: r.scan_job_id,
    seq: r.seq,
    position: r.position,
    width: r.width,
    height: r.height,
    dpi: r.dpi,
    pixelType: r.pixel_type,
    rotation: r.rotation,
    rotationReason: r.rotation_reason,
    blankFlag: r.blank_flag,
    blankScore: r.blank_score,
    analysed: r.blank_score !== null,
    compliant: r.compliant === null ? null : r.compliant === 1,
    quality: JSON.parse(r.quality_json) as ReviewPage['quality'],
    deleted: r.state === 'deleted',
    sheet: r.sheet,
    sheetProblem: r.sheet_problem,
    createdAt: r.created_at,
  };
}

export function getReviewPage(store: Store, id: string): ReviewPage | undefined {
  const r = store.get<PageRow>(sql`SELECT * FROM page WHERE id = ${id}`);
  return r && toReview(r);
}

/** The blob to show for a page (the raw capture; the UI applies no transform the service did not store). */
export function pageImageSource(store: Store, id: string): { sha256: string; rotation: number; mediaType: string } | undefined {
  return store.get<{ sha256: string; rotation: number; mediaType: string }>(
    sql`SELECT p.raw_sha256 AS sha256, p.rotation AS rotation, b.media_type AS mediaType FROM page p JOIN blob b ON b.sha256 = p.raw_sha256 WHERE p.id = ${id}`,
  );
}

export function listReviewPages(store: Store, componentId: string, includeDeleted = false): ReviewPage[] {
  const rows = store.all<PageRow>(sql`SELECT * FROM page WHERE component_id = ${componentId} ORDER BY position, seq, created_at`);
  return rows.filter((r) => includeDeleted || r.state !== 'deleted').map(toReview);
}

export function setPageRotation(store: Store, id: string, rotation: number): void {
  // The clerk's rotation is the truth from now on: the analysis' reason no longer applies.
  store.run(sql`UPDATE page SET rotation = ${rotation}, rotation_reason = NULL WHERE id = ${id}`);
}

export function setPageBlankFlag(store: Store, id: string, flag: ReviewPage['blankFlag']): void {
  store.run(sql`UPDATE page SET blank_flag = ${flag} WHERE id = ${id}`);
}

/** Rewrites positions 0..n-1 of the component's live pages in the given order (one transaction). */
export function writeOrder(store: Store, ids: readonly string[]): void {
  store.tx(() => {
    ids.forEach((id, i) => store.run(sql`UPDATE page SET position = ${i} WHERE id = ${id}`));
  });
}

export function softDeletePage(store: Store, id: string): void {
  store.run(sql`UPDATE page SET state = 'deleted' WHERE id = ${id}`);
}

/** Restores the state the page had reached (encoded > analysed > captured), at the end of the component. */
export function restorePage(store: Store, id: string, componentId: string): void {
  store.tx(() => {
    const max = store.get<{ m: number | null }>(sql`SELECT MAX(position) AS m FROM page WHERE component_id = ${componentId} AND state != 'deleted'`);
    store.run(sql`UPDATE page SET state = CASE WHEN encoded_sha256 IS NOT NULL THEN 'encoded' WHEN blank_score IS NOT NULL THEN 'analysed' ELSE 'captured' END,
      position = ${(max?.m ?? -1) + 1} WHERE id = ${id} AND state = 'deleted'`);
  });
}
