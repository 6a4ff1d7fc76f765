import { scanProfileSchema, type Capabilities, type ScanProfile } from '../../common/capture';
import { complianceIssues, MIN_COMPLIANT_DPI } from '../../common/compliance';
import { StationError } from '../../common/errors';

/**
 * Scan-profile policy: validation (zod) and the capture rules (colour, ≥ 200 dpi, 100 % scale —
 * regulations.md) judged on a profile before scanning, and what a device can honour of it. The service
 * decides this; the drivers in native-bridge only drive scanners with the profile they are given.
 */

export interface ComplianceResult {
  compliant: boolean;
  problems: string[];
}

/** A profile judged by the one capture rule (electron/common/compliance.ts), with readable problems. */
export function checkCompliance(p: ScanProfile): ComplianceResult {
  const issues = complianceIssues({ dpi: p.resolution, scalePercent: p.scalePercent, pixelType: p.pixelType, colourRequired: true });
  const problems: string[] = [];
  if (issues.includes('not_colour')) problems.push(`pixel type ${p.pixelType} (must be color)`);
  if (issues.includes('dpi_below_200') || issues.includes('dpi_unknown')) problems.push(`${p.resolution} dpi (must be ≥ ${MIN_COMPLIANT_DPI})`);
  if (issues.includes('scale_not_100')) problems.push(`scale ${p.scalePercent} % (must be 100 %)`);
  return { compliant: problems.length === 0, problems };
}

/** Parses a station profile; INVALID_PROFILE with the zod issues when a value is impossible. */
export function parseProfile(input: unknown): ScanProfile {
  const r = scanProfileSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new StationError('INVALID_PROFILE', `invalid scan profile: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return r.data;
}

/**
 * Validates and enforces the capture rules: a profile that breaks them is refused (PROFILE_NOT_COMPLIANT)
 * unless it carries `exception: { reason }`.
 */
export function acceptProfile(input: unknown): { profile: ScanProfile; compliant: boolean } {
  const profile = parseProfile(input);
  const c = checkCompliance(profile);
  if (!c.compliant && !profile.exception) {
    throw new StationError('PROFILE_NOT_COMPLIANT', `scan profile "${profile.name}" breaks the capture rules: ${c.problems.join(', ')}`, {
      problems: c.problems,
      hint: 'mark the profile with exception: { reason } if this is a deliberate, allowed exception',
    });
  }
  return { profile, compliant: c.compliant };
}

/** Settings the device cannot honour; a pixel type, source or resolution it lacks is an error instead. */
export function checkAgainstCapabilities(p: ScanProfile, caps: Capabilities): string[] {
  const unsupported: string[] = [];
  if (!caps.pixelTypes.includes(p.pixelType)) {
    throw new StationError('UNSUPPORTED', `device ${caps.deviceId} cannot scan ${p.pixelType}`, { setting: 'pixelType', offered: caps.pixelTypes });
  }
  if (!caps.sources.includes(p.source)) {
    throw new StationError('UNSUPPORTED', `device ${caps.deviceId} has no ${p.source}`, { setting: 'source', offered: caps.sources });
  }
  const { range, values } = caps.resolutions;
  const resOk = (range !== undefined && p.resolution >= range.min && p.resolution <= range.max) || (values?.includes(p.resolution) ?? false);
  if (!resOk) {
    throw new StationError('INVALID_PROFILE', `device ${caps.deviceId} cannot scan at ${p.resolution} dpi`, { setting: 'resolution', range, values });
  }
  if (p.duplex && !(caps.duplex && p.source === 'feeder')) unsupported.push('duplex');
  if (p.brightness !== 0 && !caps.brightness) unsupported.push('brightness');
  if (p.contrast !== 0 && !caps.contrast) unsupported.push('contrast');
  if (p.scalePercent !== 100) unsupported.push('scalePercent');
  const known = new Set(caps.driverOptions.map((o) => o.name));
  for (const name of Object.keys(p.driverOptions)) {
    if (!known.has(name)) throw new StationError('INVALID_PROFILE', `device ${caps.deviceId} has no option --${name}`, { setting: `driverOptions.${name}` });
  }
  return unsupported;
}
