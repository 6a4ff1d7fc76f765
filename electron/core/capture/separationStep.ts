import type { CapturedPage } from '../../common/capture';
import { parseSheetCode, stationOfDraft, type SheetCode, type SheetKind, type SheetProblem } from '../../common/sheetCodes';
import type { RasterImage } from '../imaging/raster';
import { readSheetMarks, type SheetMarks } from '../imaging/sheetMarks';
import { createLogger } from '../log/logger';
import { appendAudit } from '../store/audit';
import { getScanJob } from '../store/capture';
import { getReviewPage } from '../store/reviewPages';
import {
  firstComponentOf,
  jobRoute,
  markPageSheet,
  movePageToComponent,
  nextComponentAfter,
  pageAtSeq,
  routeTarget,
  setJobRoute,
  type RouteTarget,
} from '../store/separation';
import type { Station } from '../station/station';

const log = createLogger('capture.separate');

export interface Separation {
  /** Where the page is now. */
  componentId: string;
  sheet: SheetKind | null;
  problem: SheetProblem | null;
}

interface Verdict {
  sheet: SheetKind | null;
  code: string | null;
  problem: SheetProblem | null;
  /** Where the following pages go (null: the route stays as it is). */
  target: RouteTarget | null;
}

const CONTENT: Verdict = { sheet: null, code: null, problem: null, target: null };

/**
 * Stack separation, the step of ingest after the analysis: one stack can hold several dossiers and components
 * with the station's cover sheets (QR `SOHOA1:D:<draft>`), component separators (`SOHOA1:C:<draft>:<component>`)
 * and patch-code sheets between them. Pages are handled one at a time in capture order, so moving each page
 * to the end of its component keeps the stack's order. A separator page stays a record of the scan (flagged,
 * never deleted) in the component it opens and is kept out of every PDF; in a duplex scan its other side goes
 * with it. A code the station cannot use (damaged, foreign, another station's, naming nothing here) is flagged
 * on the page for the clerk and changes nothing: never guessed.
 *
 *  - cover sheet → the dossier's first component (checklist order);
 *  - component separator → that component;
 *  - Patch T → the next component of the current dossier; Patch II → the next one that has no pages yet.
 */
export async function separatePage(station: Station, page: CapturedPage, img: RasterImage, o: { blank: boolean; duplex: boolean }): Promise<Separation> {
  const { store } = station;
  const current = getReviewPage(store, page.id);
  const job = page.jobId ? getScanJob(store, page.jobId) : undefined;
  if (!current || !job || current.deleted) return { componentId: page.componentId, sheet: current?.sheet ?? null, problem: current?.sheetProblem ?? null };
  const back = o.duplex && page.seq % 2 === 0;
  const front = back ? pageAtSeq(store, job.id, page.seq - 1) : undefined;

  // The other side of a separator sheet: out of the PDF with it, next to it.
  if (front?.sheet && front.sheet !== 'separator_other_side') {
    markPageSheet(store, page.id, { sheet: 'separator_other_side', code: null, problem: null });
    move(station, page.id, current.componentId, front.componentId);
    return { componentId: front.componentId, sheet: 'separator_other_side', problem: null };
  }

  const marks: SheetMarks = o.blank ? { qr: [], unreadableQr: 0, patch: null } : await readSheetMarks(img, page.dpi);
  const routeFrom = routeTarget(store, jobRoute(store, job.id) ?? job.component_id ?? current.componentId);
  const v = judge(station, marks, routeFrom);
  markPageSheet(store, page.id, v);
  if (v.problem) log.warn('sheet code not used', { pageId: page.id, jobId: job.id, seq: page.seq, problem: v.problem, sheet: v.sheet });

  if (v.sheet) {
    const to = v.target?.componentId ?? routeFrom?.componentId ?? current.componentId;
    if (v.target) setJobRoute(store, job.id, v.target.componentId);
    appendAudit(store, { actor: null, action: 'page.separator', subjectType: 'page', subjectId: page.id, details: { sheet: v.sheet, componentId: to, problem: v.problem } });
    // A sheet read on a back side: its blank front was taken for a content page a moment ago; it goes with it.
    if (front && !front.sheet && front.blankFlag === 'flagged') {
      markPageSheet(store, front.id, { sheet: 'separator_other_side', code: null, problem: null });
      move(station, front.id, front.componentId, to);
    }
    move(station, page.id, current.componentId, to);
    return { componentId: to, sheet: v.sheet, problem: v.problem };
  }
  // A content page: it belongs to the component the last separator opened.
  const route = jobRoute(store, job.id);
  if (route && route !== current.componentId) move(station, page.id, current.componentId, route);
  return { componentId: route ?? current.componentId, sheet: null, problem: v.problem };
}

function judge(station: Station, marks: SheetMarks, routeFrom: RouteTarget | undefined): Verdict {
  const { store } = station;
  const parsed = marks.qr.map((t) => ({ text: t, r: parseSheetCode(t) }));
  const ours = parsed.filter((p) => p.r.ok || p.r.problem === 'DAMAGED_CODE');
  if (ours.length > 0) {
    const codes = new Set(ours.map((p) => p.text.trim()));
    const first = ours[0]!;
    if (!first.r.ok || codes.size > 1) return { ...CONTENT, code: first.text.slice(0, 200), problem: 'SHEET_CODE_UNREADABLE' };
    const code: SheetCode = first.r.code;
    const text = first.text.trim();
    if (stationOfDraft(code.dossierId) !== station.row.id) return { ...CONTENT, code: text, problem: 'SHEET_CODE_OTHER_STATION' };
    const target = code.kind === 'dossier' ? firstComponentOf(store, code.dossierId) : routeTarget(store, code.componentId);
    if (!target || target.dossierId !== code.dossierId) return { ...CONTENT, code: text, problem: 'SHEET_CODE_UNKNOWN' };
    return { sheet: code.kind === 'dossier' ? 'dossier_cover' : 'component_separator', code: text, problem: null, target };
  }
  if (marks.patch === 'T' || marks.patch === '2') {
    const sheet: SheetKind = marks.patch === 'T' ? 'patch_t' : 'patch_ii';
    const target = routeFrom ? nextComponentAfter(store, routeFrom, marks.patch === '2') : undefined;
    // Still a separator sheet (out of the PDF); with nowhere to go the route stays and the clerk is told.
    return { sheet, code: `PATCH ${marks.patch === 'T' ? 'T' : 'II'}`, problem: target ? null : 'SHEET_CODE_UNKNOWN', target: target ?? null };
  }
  if (marks.patch === 'unclear' || marks.unreadableQr > 0) return { ...CONTENT, problem: 'SHEET_CODE_UNREADABLE' };
  if (marks.patch !== null) return { ...CONTENT, code: `PATCH ${marks.patch}`, problem: 'SHEET_CODE_FOREIGN' };
  // Another QR (a CCCD, a document's own verification code): the page is content; its text is not kept
  // (it may carry a citizen's data), the clerk only sees that a code was there.
  if (parsed.length > 0) return { ...CONTENT, problem: 'SHEET_CODE_FOREIGN' };
  return CONTENT;
}

function move(station: Station, pageId: string, from: string, to: string): void {
  if (from === to) return;
  movePageToComponent(station.store, pageId, to);
  appendAudit(station.store, { actor: null, action: 'page.route', subjectType: 'page', subjectId: pageId, details: { from, to } });
  station.emit('pages.changed', { componentId: from, pageId, action: 'route' });
  station.emit('pages.changed', { componentId: to, pageId, action: 'route' });
}
