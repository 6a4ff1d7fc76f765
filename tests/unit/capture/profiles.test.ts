import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../electron/common/capture';
import { StationError } from '../../../electron/common/errors';
import { loadProfiles, resolveProfile } from '../../../electron/core/capture/profiles';
import { acceptProfile, checkAgainstCapabilities } from '../../../electron/core/capture/scanProfile';
import { convertScannerJs } from '../../../electron/core/capture/scannerJs';

const FIXTURE = new URL('../../fixtures/capture/scannerjs-colour-300-feeder-duplex.json', import.meta.url);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : `not a StationError: ${String(err)}`;
  }
  return undefined;
}

const base = { name: 't', pixelType: 'color', resolution: 200, source: 'feeder' };

/** Capabilities as the SANE test device reports them (no duplex, no brightness). */
const testDevice: Capabilities = {
  deviceId: 'sane:test:0',
  pixelTypes: ['gray', 'color', 'bw'],
  resolutions: { range: { min: 1, max: 1200, step: 1 } },
  sources: ['flatbed', 'feeder'],
  duplex: false,
  feederCapacity: 10,
  maxWidthMm: 500,
  maxHeightMm: 500,
  pageSizes: ['max', 'A4'],
  brightness: false,
  contrast: false,
  blankPageDetection: 'station',
  driverOptions: [{ name: 'test-picture', type: 'list', values: ['Solid black', 'Grid'], default: 'Solid black', active: true }],
};

describe('scan profiles', () => {
  it('ships default profiles that all meet the capture rules (colour, ≥ 200 dpi, 100 %)', () => {
    const profiles = loadProfiles();
    expect(profiles.length).toBeGreaterThanOrEqual(3);
    for (const p of profiles) {
      expect(p.compliant).toBe(true);
      expect(p.pixelType).toBe('color');
      expect(p.resolution).toBeGreaterThanOrEqual(200);
      expect(p.scalePercent).toBe(100);
      expect(p.exception).toBeUndefined();
    }
    expect(profiles.map((p) => p.name)).toContain('colour-200-feeder');
  });

  it('refuses impossible values as INVALID_PROFILE', () => {
    expect(codeOf(() => acceptProfile({ ...base, resolution: 0 }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, resolution: 50_000 }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, resolution: 200.5 }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, pixelType: 'sepia' }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, source: 'tray' }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, surprise: true }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => acceptProfile({ ...base, driverOptions: { 'Bad Name': 1 } }))).toBe('INVALID_PROFILE');
  });

  it('refuses a profile that breaks the capture rules unless it is marked as an exception', () => {
    expect(codeOf(() => acceptProfile({ ...base, pixelType: 'gray' }))).toBe('PROFILE_NOT_COMPLIANT');
    expect(codeOf(() => acceptProfile({ ...base, resolution: 150 }))).toBe('PROFILE_NOT_COMPLIANT');
    expect(codeOf(() => acceptProfile({ ...base, scalePercent: 90 }))).toBe('PROFILE_NOT_COMPLIANT');
    const ok = acceptProfile({ ...base, pixelType: 'bw', exception: { reason: 'plain text, province allows bitonal' } });
    expect(ok.compliant).toBe(false);
    expect(ok.profile.pixelType).toBe('bw');
    expect(acceptProfile(base).compliant).toBe(true);
  });

  it('resolves a profile by name and refuses an unknown name', () => {
    expect(resolveProfile('colour-200-feeder').profile.resolution).toBe(200);
    expect(codeOf(() => resolveProfile('no-such-profile'))).toBe('INVALID_PROFILE');
  });
});

describe('scanner.js requests', () => {
  it('converts the colour/300 dpi/feeder/duplex fixture field by field', () => {
    const req = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown;
    const { profile, ignored } = convertScannerJs(req);
    expect(profile.pixelType).toBe('color'); // ICAP_PIXELTYPE TWPT_RGB
    expect(profile.resolution).toBe(300); // ICAP_XRESOLUTION / ICAP_YRESOLUTION
    expect(profile.source).toBe('feeder'); // CAP_FEEDERENABLED
    expect(profile.duplex).toBe(true); // CAP_DUPLEXENABLED
    expect(profile.pageSize).toBe('A4'); // ICAP_SUPPORTEDSIZES TWSS_A4
    expect(profile.scalePercent).toBe(100);
    expect(profile.brightness).toBe(0);
    expect(profile.contrast).toBe(0);
    expect(profile.blankPages).toBe('flag');
    expect(profile.driverOptions).toEqual({});
    expect(ignored).toEqual([]);
    // Compliant as converted; on the test device duplex is reported unsupported, nothing else.
    expect(resolveProfile(req).compliant).toBe(true);
    expect(checkAgainstCapabilities(profile, testDevice)).toEqual(['duplex']);
    expect(checkAgainstCapabilities(profile, { ...testDevice, duplex: true })).toEqual([]);
  });

  it('reads numeric TWAIN values and reports capabilities it does not know', () => {
    const { profile, ignored } = convertScannerJs({
      twain_cap_setting: { ICAP_PIXELTYPE: 1, ICAP_XRESOLUTION: 200, CAP_FEEDERENABLED: 'false', ICAP_BRIGHTNESS: 250, ICAP_AUTODISCARDBLANKPAGES: '-1', CAP_FANCY: 3 },
    });
    expect(profile).toMatchObject({ pixelType: 'gray', resolution: 200, source: 'flatbed', brightness: 25, blankPages: 'discard' });
    expect(ignored).toEqual(['CAP_FANCY']);
  });

  it('refuses malformed scanner.js values', () => {
    expect(codeOf(() => convertScannerJs({ twain_cap_setting: { ICAP_PIXELTYPE: 'TWPT_SEPIA' } }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => convertScannerJs({ twain_cap_setting: { ICAP_XRESOLUTION: 'lots' } }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => convertScannerJs({ twain_cap_setting: { ICAP_XRESOLUTION: 0 } }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => convertScannerJs({ twain_cap_setting: { ICAP_XRESOLUTION: 300, ICAP_YRESOLUTION: 600 } }))).toBe('INVALID_PROFILE');
    expect(codeOf(() => convertScannerJs({ output_settings: [] }))).toBe('INVALID_PROFILE');
  });
});

describe('profile against a device', () => {
  it('refuses a resolution, source or option the device lacks', () => {
    const p = acceptProfile({ ...base, resolution: 2400, exception: { reason: 'test' } }).profile;
    expect(codeOf(() => checkAgainstCapabilities(p, testDevice))).toBe('INVALID_PROFILE');
    const q = acceptProfile({ ...base, driverOptions: { 'no-such-option': 1 } }).profile;
    expect(codeOf(() => checkAgainstCapabilities(q, testDevice))).toBe('INVALID_PROFILE');
    const flat = acceptProfile({ ...base, source: 'feeder' }).profile;
    expect(codeOf(() => checkAgainstCapabilities(flat, { ...testDevice, sources: ['flatbed'] }))).toBe('UNSUPPORTED');
  });
});
