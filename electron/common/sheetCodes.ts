import { DRAFT_ID_PATTERN, ULID_PATTERN } from './ids';

/**
 * What the QR of a station's own sheets says. A receipt cover sheet (phiếu kiểm soát / giấy tiếp nhận)
 * names the dossier (its local draft id, which starts with the station id; later its MaHoSo); a component
 * separator names one component of a dossier. Short, upper-case-friendly, versioned: `SOHOA1:D:<draft id>`
 * and `SOHOA1:C:<draft id>:<component id>`.
 */
export type SheetCode =
  | { kind: 'dossier'; dossierId: string }
  | { kind: 'component'; dossierId: string; componentId: string };

const PREFIX = 'SOHOA1';

export function encodeSheetCode(code: SheetCode): string {
  return code.kind === 'dossier' ? `${PREFIX}:D:${code.dossierId}` : `${PREFIX}:C:${code.dossierId}:${code.componentId}`;
}

export type SheetCodeResult =
  | { ok: true; code: SheetCode }
  | { ok: false; problem: 'FOREIGN_CODE' | 'DAMAGED_CODE'; detail: string };

/** Reads a decoded QR text: one of ours, damaged (our prefix, bad body) or foreign (anything else). */
export function parseSheetCode(text: string): SheetCodeResult {
  const t = text.trim();
  if (!t.startsWith(`${PREFIX}:`)) return { ok: false, problem: 'FOREIGN_CODE', detail: t.slice(0, 80) };
  const [, kind, dossierId, componentId, extra] = t.split(':');
  if (dossierId === undefined || !DRAFT_ID_PATTERN.test(dossierId)) return { ok: false, problem: 'DAMAGED_CODE', detail: t.slice(0, 80) };
  if (kind === 'D' && componentId === undefined) return { ok: true, code: { kind: 'dossier', dossierId } };
  if (kind === 'C' && componentId !== undefined && ULID_PATTERN.test(componentId) && extra === undefined) {
    return { ok: true, code: { kind: 'component', dossierId, componentId } };
  }
  return { ok: false, problem: 'DAMAGED_CODE', detail: t.slice(0, 80) };
}

/** The station a dossier's draft id belongs to (`<station id>-<ULID>`): a sheet of another station is refused. */
export function stationOfDraft(dossierId: string): string {
  return dossierId.slice(0, dossierId.lastIndexOf('-'));
}

/**
 * What a separator page of a scanned stack is (stored on the page, kept out of every PDF): a receipt cover,
 * a component separator, a patch-code sheet (Kodak Patch T / Patch II), or the other side of one of those
 * sheets in a duplex scan.
 */
export const SHEET_KINDS = ['dossier_cover', 'component_separator', 'patch_t', 'patch_ii', 'separator_other_side'] as const;
export type SheetKind = (typeof SHEET_KINDS)[number];

/** Why a code read on a page was not used (error codes: ERROR_TEXT gives the clerk's text); the page is kept. */
export const SHEET_PROBLEMS = ['SHEET_CODE_UNREADABLE', 'SHEET_CODE_FOREIGN', 'SHEET_CODE_OTHER_STATION', 'SHEET_CODE_UNKNOWN'] as const;
export type SheetProblem = (typeof SHEET_PROBLEMS)[number];
