import { complianceIssues, type ComplianceIssue } from '../../common/compliance';
import type { CompressionProfile } from '../../common/compressionProfiles';
import type { PixelType } from './raster';

/**
 * A page judged by the one capture rule (electron/common/compliance.ts): a page that breaks it is flagged
 * non-compliant (stored as page.compliant = 0) — the clerk sees why. Colour is the rule; a gray/bitonal
 * compression profile is a per-document-type exception chosen explicitly, judged by dpi and scale only.
 */
export type { ComplianceIssue };

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
  const issues = complianceIssues({ dpi: c.dpi, scalePercent: c.scalePercent, pixelType: c.pixelType, colourRequired: c.profile.output === 'color' });
  return { compliant: issues.length === 0, issues };
}
