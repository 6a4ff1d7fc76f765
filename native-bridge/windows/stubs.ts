import type { Capabilities, ScanProfile } from '../../electron/common/capture';
import { StationError } from '../../electron/common/errors';
import type { Device } from '../../electron/common/schemas';
import type { DriverAvailability, ScannerDriver, ScanRun, ScanRunOptions } from '../types';

/**
 * Placeholders for the Windows drivers (WIA 2.0 through a .NET helper, TWAIN through a 32-bit helper — see
 * docs/capture.md). They implement the driver interface so the service can hold them in its list; until the
 * helpers exist they offer no device and refuse every operation with UNSUPPORTED; `available()` says why.
 */
class UnavailableDriver implements ScannerDriver {
  constructor(
    readonly kind: 'wia' | 'twain',
    private readonly platform: NodeJS.Platform,
  ) {}

  available(): DriverAvailability {
    if (this.platform !== 'win32') return { ok: false, reason: `${this.kind.toUpperCase()} runs on Windows only` };
    return { ok: false, reason: `the ${this.kind.toUpperCase()} helper is not part of this build` };
  }

  listDevices(): Promise<Device[]> {
    return Promise.resolve([]);
  }

  capabilities(deviceId: string): Promise<Capabilities> {
    return Promise.reject(new StationError('UNSUPPORTED', `${this.kind.toUpperCase()} scanning is not available in this build`, { deviceId }));
  }

  scan(deviceId: string, _profile: ScanProfile, _opts: ScanRunOptions): ScanRun {
    throw new StationError('UNSUPPORTED', `${this.kind.toUpperCase()} scanning is not available in this build`, { deviceId });
  }
}

export const wiaDriverStub = (platform: NodeJS.Platform = process.platform): ScannerDriver => new UnavailableDriver('wia', platform);
export const twainDriverStub = (platform: NodeJS.Platform = process.platform): ScannerDriver => new UnavailableDriver('twain', platform);
