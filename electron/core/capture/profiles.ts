import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScanProfile } from '../../common/capture';
import { StationError } from '../../common/errors';
import { acceptProfile } from './scanProfile';
import { convertScannerJs, isScannerJsRequest } from './scannerJs';

/** The scan profiles shipped with the station (resources/profiles/*.json): all meet the capture rules. */
export const DEFAULT_PROFILES_DIR = process.env.SOHOA_PROFILES_DIR ?? fileURLToPath(new URL('../../../resources/profiles/', import.meta.url));

export function loadProfiles(dir = DEFAULT_PROFILES_DIR): (ScanProfile & { compliant: boolean })[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch (err) {
        throw new StationError('INVALID_PROFILE', `${f}: not JSON (${(err as Error).message})`, { file: f });
      }
      const { profile, compliant } = acceptProfile(raw);
      return { ...profile, compliant };
    });
}

/**
 * A profile reference from the API or CLI: a stored profile's name, a station profile object, or a
 * scanner.js request (converted). Non-compliant profiles are refused unless marked as an exception.
 */
export function resolveProfile(ref: unknown, dir = DEFAULT_PROFILES_DIR): { profile: ScanProfile; compliant: boolean; ignored: string[] } {
  if (typeof ref === 'string') {
    const found = loadProfiles(dir).find((p) => p.name === ref);
    if (!found) throw new StationError('INVALID_PROFILE', `no scan profile named "${ref}"`, { name: ref, known: loadProfiles(dir).map((p) => p.name) });
    const { compliant, ...profile } = found;
    return { profile, compliant, ignored: [] };
  }
  if (isScannerJsRequest(ref)) {
    const { profile, ignored } = convertScannerJs(ref);
    const accepted = acceptProfile(profile);
    return { ...accepted, ignored };
  }
  const accepted = acceptProfile(ref);
  return { ...accepted, ignored: [] };
}
