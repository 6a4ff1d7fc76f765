/**
 * The electronic-copy rule of NĐ 30/2020 Annex I / TT 01/2023, in one place: colour, ≥ 200 dpi, 100 % scale.
 * Judged twice with it: on a scan profile before scanning (capture) and on each page before assembly
 * (imaging), where a gray/bitonal compression profile is an explicit per-document-type exception.
 */
export const MIN_COMPLIANT_DPI = 200;

export type ComplianceIssue = 'dpi_below_200' | 'scale_not_100' | 'not_colour' | 'dpi_unknown';

export interface CaptureFacts {
  /** Resolution of the capture; null when the file does not say. */
  dpi: number | null;
  /** Scale relative to the original, percent (scanner "zoom"); undefined when unknown (judged as 100). */
  scalePercent?: number | undefined;
  pixelType: 'color' | 'gray' | 'bw';
  /** False when an explicit exception allows gray or bitonal. */
  colourRequired: boolean;
}

/** What breaks the rule; empty when compliant. */
export function complianceIssues(c: CaptureFacts): ComplianceIssue[] {
  const issues: ComplianceIssue[] = [];
  if (c.dpi === null || !(c.dpi > 0)) issues.push('dpi_unknown');
  else if (c.dpi < MIN_COMPLIANT_DPI) issues.push('dpi_below_200');
  if (c.scalePercent !== undefined && Math.abs(c.scalePercent - 100) > 0.5) issues.push('scale_not_100');
  if (c.colourRequired && c.pixelType !== 'color') issues.push('not_colour');
  return issues;
}
