import type { PageQualityCode } from '../../common/api/pages';

/**
 * Exposure of a scanned page, judged on its paper level (the blank test's 90th percentile of luminance
 * inside the margins). A dark page is a bad scan, not a blank one: its paper comes out gray and its text
 * loses contrast (measured on real scans: paper level 103 and 150 on two dark book pages, against 219–255
 * on good scans of white, cream and yellowed paper). The clerk is asked to rescan it lighter
 * (PAGE_TOO_DARK); it is never flagged blank.
 */
export type ExposureIssue = PageQualityCode;

/** Paper darker than this is a dark scan (good scans of old, yellowed paper stay above ≈ 200). */
export const DARK_PAPER_LEVEL = 170;

export function exposureIssues(paperLevel: number): ExposureIssue[] {
  return paperLevel < DARK_PAPER_LEVEL ? ['PAGE_TOO_DARK'] : [];
}
