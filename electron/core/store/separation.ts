import type { SheetKind, SheetProblem } from '../../common/sheetCodes';
import type { Store } from './db';
import { sql } from './sql';

/** Stack separation at ingest (migration 0020): where a scan job's pages go, and the sheets read on the way. */

export interface RoutedPage {
  id: string;
  componentId: string;
  seq: number;
  blankFlag: 'none' | 'flagged' | 'confirmed_blank' | 'confirmed_keep';
  sheet: SheetKind | null;
}

export interface RouteTarget {
  componentId: string;
  dossierId: string;
  kind: 'intake' | 'result';
  position: number;
}

/** The component the job's next content pages belong to (null: the component the scan was started on). */
export function jobRoute(store: Store, jobId: string): string | null {
  return store.get<{ r: string | null }>(sql`SELECT route_component_id AS r FROM scan_job WHERE id = ${jobId}`)?.r ?? null;
}

export function setJobRoute(store: Store, jobId: string, componentId: string): void {
  store.run(sql`UPDATE scan_job SET route_component_id = ${componentId} WHERE id = ${jobId}`);
}

/** The page captured at `seq` in a job (e.g. the front of a duplex sheet whose back is `seq + 1`). */
export function pageAtSeq(store: Store, jobId: string, seq: number): RoutedPage | undefined {
  return store.get<RoutedPage>(
    sql`SELECT id, component_id AS componentId, seq, blank_flag AS blankFlag, sheet FROM page WHERE scan_job_id = ${jobId} AND seq = ${seq}`,
  );
}

/** Records what a page is: a separator sheet (kept, out of every PDF), and/or a code problem for the clerk. */
export function markPageSheet(store: Store, pageId: string, m: { sheet: SheetKind | null; code: string | null; problem: SheetProblem | null }): void {
  store.run(sql`UPDATE page SET sheet = ${m.sheet}, sheet_code = ${m.code}, sheet_problem = ${m.problem} WHERE id = ${pageId}`);
}

/** Moves a page to the end of another component (capture order is kept by moving pages in capture order). */
export function movePageToComponent(store: Store, pageId: string, componentId: string): void {
  store.tx(() => {
    const max = store.get<{ m: number | null }>(sql`SELECT max(position) AS m FROM page WHERE component_id = ${componentId}`)?.m ?? 0;
    store.run(sql`UPDATE page SET component_id = ${componentId}, position = ${max + 1} WHERE id = ${pageId}`);
  });
}

export function routeTarget(store: Store, componentId: string): RouteTarget | undefined {
  return store.get<RouteTarget>(
    sql`SELECT id AS componentId, dossier_id AS dossierId, kind, position FROM component WHERE id = ${componentId}`,
  );
}

/** The dossier's first component of its purpose (intake dossier → intake components), in checklist order. */
export function firstComponentOf(store: Store, dossierId: string): RouteTarget | undefined {
  return store.get<RouteTarget>(
    sql`SELECT c.id AS componentId, c.dossier_id AS dossierId, c.kind, c.position FROM component c JOIN dossier d ON d.id = c.dossier_id
      WHERE c.dossier_id = ${dossierId} AND c.kind = d.purpose ORDER BY c.position, c.created_at, c.id LIMIT 1`,
  );
}

/**
 * The component after `from` in its dossier's checklist (same kind); with `emptyOnly`, the next one that has
 * no content page yet (a component already scanned or reused is skipped).
 */
export function nextComponentAfter(store: Store, from: RouteTarget, emptyOnly: boolean): RouteTarget | undefined {
  return store.get<RouteTarget>(
    sql`SELECT c.id AS componentId, c.dossier_id AS dossierId, c.kind, c.position FROM component c
      WHERE c.dossier_id = ${from.dossierId} AND c.kind = ${from.kind} AND c.position > ${from.position}
        AND (${emptyOnly ? 1 : 0} = 0 OR NOT EXISTS (SELECT 1 FROM page p WHERE p.component_id = c.id AND p.state != 'deleted' AND p.sheet IS NULL))
      ORDER BY c.position, c.created_at, c.id LIMIT 1`,
  );
}
