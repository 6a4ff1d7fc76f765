import type { PageQualityCode } from '../../common/api/pages';

/**
 * Exposure of a scanned page. A dark page is a bad scan, not a blank one: its paper comes out gray and its
 * text loses contrast (measured on real scans: paper level 103 and 150 on two dark book pages, against 219–255
 * on good scans of white, cream and yellowed paper). The clerk is asked to rescan it lighter (PAGE_TOO_DARK).
 * A faint page is the other way round: white paper, writing come out pale gray (brightness too high, a worn
 * toner, a faded original). Its darkest ink stays within 110 levels of the paper where a good scan of print
 * or ink reaches 150–255 (the real scans: 166–255), so the clerk is asked to rescan it darker
 * (PAGE_LOW_CONTRAST). Neither is ever flagged blank.
 */
export type ExposureIssue = PageQualityCode;

/** Paper darker than this is a dark scan (good scans of old, yellowed paper stay above ≈ 200). */
export const DARK_PAPER_LEVEL = 170;
/** Writing whose darkest ink is closer to the paper than this is faint. */
export const LOW_CONTRAST = 110;

export interface Exposure {
  /** The blank test's paper level (90th percentile of luminance inside the margins). */
  paperLevel: number;
  /** Paper level − the darkest 0.5 % of the page: how far the ink reaches below the paper. */
  contrast: number;
  /** The page holds writing (lines running one clear way) even if faint: a faint blank page is not faint writing. */
  writing: boolean;
}

export function exposureIssues(e: Exposure): ExposureIssue[] {
  if (e.paperLevel < DARK_PAPER_LEVEL) return ['PAGE_TOO_DARK'];
  if (e.writing && e.contrast < LOW_CONTRAST) return ['PAGE_LOW_CONTRAST'];
  return [];
}
