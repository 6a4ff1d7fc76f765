import type { CapturedPage, ScanJobState } from '../../common/capture';
import type { ErrorCode } from '../../common/errors';
import { ulid } from '../../common/ids';
import type { Store } from './db';
import { sql } from './sql';

/** Scan jobs and captured pages (tables scan_job, page, blob from 0001). */

export interface ScanJobRow {
  id: string;
  component_id: string | null;
  device_id: string;
  profile_json: string;
  state: ScanJobState;
  error_code: ErrorCode | null;
  pages_done: number;
  started_at: string;
  ended_at: string | null;
}

interface PageRow {
  id: string;
  component_id: string;
  scan_job_id: string;
  seq: number;
  position: number;
  raw_sha256: string;
  width: number;
  height: number;
  dpi: number;
  pixel_type: 'color' | 'gray' | 'bw';
  created_at: string;
  media_type: string;
  size: number;
}

const now = (): string => new Date().toISOString();

export function insertScanJob(store: Store, job: { componentId: string; deviceId: string; profileJson: string }): ScanJobRow {
  const id = ulid();
  store.run(sql`INSERT INTO scan_job (id, component_id, device_id, profile_json, state, pages_done, started_at)
    VALUES (${id}, ${job.componentId}, ${job.deviceId}, ${job.profileJson}, 'running', 0, ${now()})`);
  return getScanJob(store, id)!;
}

export function getScanJob(store: Store, id: string): ScanJobRow | undefined {
  return store.get<ScanJobRow>(sql`SELECT * FROM scan_job WHERE id = ${id}`);
}

export function listScanJobs(store: Store, f: { componentId?: string; state?: ScanJobState; limit: number }): ScanJobRow[] {
  return store.all<ScanJobRow>(sql`SELECT * FROM scan_job
    WHERE (${f.componentId ?? null} IS NULL OR component_id = ${f.componentId ?? null})
      AND (${f.state ?? null} IS NULL OR state = ${f.state ?? null})
    ORDER BY started_at DESC, id DESC LIMIT ${f.limit}`);
}

export function jobsInState(store: Store, state: ScanJobState): ScanJobRow[] {
  return store.all<ScanJobRow>(sql`SELECT * FROM scan_job WHERE state = ${state} ORDER BY started_at`);
}

export function setJobState(store: Store, id: string, state: ScanJobState, errorCode: ErrorCode | null): void {
  const ended = state === 'running' ? null : now();
  store.run(sql`UPDATE scan_job SET state = ${state}, error_code = ${errorCode}, ended_at = ${ended} WHERE id = ${id}`);
}

export function setJobProfile(store: Store, id: string, profileJson: string): void {
  store.run(sql`UPDATE scan_job SET profile_json = ${profileJson} WHERE id = ${id}`);
}

export function componentExists(store: Store, id: string): boolean {
  return store.get(sql`SELECT 1 AS x FROM component WHERE id = ${id}`) !== undefined;
}

/** Highest capture sequence stored for a job (0 when none). */
export function lastSeq(store: Store, jobId: string): number {
  return store.get<{ s: number | null }>(sql`SELECT max(seq) AS s FROM page WHERE scan_job_id = ${jobId}`)?.s ?? 0;
}

export function pageExists(store: Store, jobId: string, seq: number): boolean {
  return store.get(sql`SELECT 1 AS x FROM page WHERE scan_job_id = ${jobId} AND seq = ${seq}`) !== undefined;
}

export interface NewPage {
  jobId: string;
  componentId: string;
  seq: number;
  sha256: string;
  size: number;
  mediaType: string;
  width: number;
  height: number;
  dpi: number;
  pixelType: 'color' | 'gray' | 'bw';
  compliant: boolean;
}

/**
 * Records one captured page in one transaction (the database runs synchronous=FULL: the commit is on disk
 * when this returns): the blob row, the page at the end of the component, the job's counter. A page that
 * is already recorded (same job and seq, e.g. re-ingested after a crash) is returned as it is.
 */
export function recordPage(store: Store, p: NewPage): { page: CapturedPage; created: boolean } {
  return store.tx(() => {
    const existing = store.get<{ id: string }>(sql`SELECT id FROM page WHERE scan_job_id = ${p.jobId} AND seq = ${p.seq}`);
    if (existing) return { page: getPage(store, existing.id)!, created: false };
    const at = now();
    store.run(sql`INSERT OR IGNORE INTO blob (sha256, size, media_type, created_at) VALUES (${p.sha256}, ${p.size}, ${p.mediaType}, ${at})`);
    const pos = store.get<{ n: number | null }>(sql`SELECT max(position) AS n FROM page WHERE component_id = ${p.componentId}`)?.n ?? 0;
    const id = ulid();
    store.run(sql`INSERT INTO page (id, component_id, scan_job_id, seq, position, raw_sha256, width, height, dpi, pixel_type, state, compliant, created_at)
      VALUES (${id}, ${p.componentId}, ${p.jobId}, ${p.seq}, ${pos + 1}, ${p.sha256}, ${p.width}, ${p.height}, ${p.dpi}, ${p.pixelType}, 'captured', ${p.compliant ? 1 : 0}, ${at})`);
    store.run(sql`UPDATE scan_job SET pages_done = (SELECT count(*) FROM page WHERE scan_job_id = ${p.jobId}) WHERE id = ${p.jobId}`);
    return { page: getPage(store, id)!, created: true };
  });
}

const PAGE_SELECT = sql`SELECT p.id, p.component_id, p.scan_job_id, p.seq, p.position, p.raw_sha256, p.width, p.height, p.dpi, p.pixel_type,
    p.created_at, b.media_type, b.size FROM page p JOIN blob b ON b.sha256 = p.raw_sha256`;

function toPage(r: PageRow): CapturedPage {
  return {
    id: r.id,
    jobId: r.scan_job_id,
    componentId: r.component_id,
    seq: r.seq,
    position: r.position,
    sha256: r.raw_sha256,
    mediaType: r.media_type,
    size: r.size,
    width: r.width,
    height: r.height,
    dpi: r.dpi,
    pixelType: r.pixel_type,
    createdAt: r.created_at,
  };
}

export function getPage(store: Store, id: string): CapturedPage | undefined {
  const r = store.get<PageRow>(sql`${PAGE_SELECT} WHERE p.id = ${id}`);
  return r ? toPage(r) : undefined;
}

export function jobPages(store: Store, jobId: string): CapturedPage[] {
  return store.all<PageRow>(sql`${PAGE_SELECT} WHERE p.scan_job_id = ${jobId} ORDER BY p.seq`).map(toPage);
}

/** Captured pages whose ingest analysis never ran (a crash between durability and analysis), in capture order. */
export function unanalysedPages(store: Store): CapturedPage[] {
  return store
    .all<PageRow>(sql`${PAGE_SELECT} WHERE p.blank_score IS NULL AND p.scan_job_id IS NOT NULL AND p.state != 'deleted' ORDER BY p.scan_job_id, p.seq`)
    .map(toPage);
}
