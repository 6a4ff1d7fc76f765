import type { CompressionProfile } from '../pdf/profiles';
import type { PixelType } from './raster';

/**
 * The electronic-copy rules of NĐ 30/2020 Annex I / TT 01/2023: colour, ≥ 200 dpi, 100 % scale. A page that
 * breaks one is flagged non-compliant (stored as page.compliant = 0) — the clerk sees why.
 */
export type ComplianceIssue = 'dpi_below_200' | 'scale_not_100' | 'not_colour' | 'dpi_unknown';

export const MIN_DPI = 200;

export interface ComplianceInput {
  dpi: number | null;
  /** Scale of the capture relative to the original, percent (scanner "zoom"; 100 unless the profile shrank). */
  scalePercent?: number;
  pixelType: PixelType;
  profile: CompressionProfile;
}

export interface ComplianceResult {
  compliant: boolean;
  issues: ComplianceIssue[];
}

export function checkCompliance(c: ComplianceInput): ComplianceResult {
  const issues: ComplianceIssue[] = [];
  if (c.dpi === null || !(c.dpi > 0)) issues.push('dpi_unknown');
  else if (c.dpi < MIN_DPI) issues.push('dpi_below_200');
  if (c.scalePercent !== undefined && Math.abs(c.scalePercent - 100) > 0.5) issues.push('scale_not_100');
  // Colour is the rule; gray/bitonal are allowed only by an explicit profile choice (gray, bitonal).
  if (c.profile.output === 'color' && c.pixelType !== 'color') issues.push('not_colour');
  // A gray/bitonal profile is a per-document-type exception chosen explicitly: judged by dpi and scale only.
  return { compliant: issues.length === 0, issues };
}
