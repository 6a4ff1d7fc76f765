import { StationError } from '../electron/common/errors';
import type { Device } from '../electron/common/schemas';
import type { DriverAvailability, ScannerDriver } from './types';

export type DriverKind = Device['driver'];

export interface DriverStatus extends DriverAvailability {
  kind: DriverKind;
}

/** Splits a station device id `<driver>:<id>` (`sane:test:0` → sane, `test:0`); null when it names no driver kind. */
export function parseDeviceId(deviceId: string): { kind: DriverKind; id: string } | null {
  const m = /^(sane|escl|wia|twain):(.+)$/.exec(deviceId);
  return m ? { kind: m[1] as DriverKind, id: m[2]! } : null;
}

/**
 * The scanner drivers of one station, one per technology (SANE, eSCL, WIA, TWAIN). Device ids carry their
 * driver (`<driver>:<id>`), so a call finds its driver from the id alone; the device list merges every
 * driver that can run here. Availability is probed once and again on a refreshing list.
 */
export class DriverRegistry {
  private readonly drivers = new Map<DriverKind, ScannerDriver>();
  private readonly known = new Map<DriverKind, DriverStatus>();

  constructor(drivers: readonly ScannerDriver[] = []) {
    for (const d of drivers) this.register(d);
  }

  register(driver: ScannerDriver): void {
    if (this.drivers.has(driver.kind)) throw new StationError('INTERNAL', `a ${driver.kind} driver is already registered`);
    this.drivers.set(driver.kind, driver);
  }

  all(): ScannerDriver[] {
    return [...this.drivers.values()];
  }

  get(kind: DriverKind): ScannerDriver | undefined {
    return this.drivers.get(kind);
  }

  /**
   * The canonical id of a device: `<driver>:<id>`. A bare SANE name (`test:0`, as `scanimage -L` prints it)
   * is read as SANE's, as before drivers were registered.
   */
  normalise(deviceId: string): string {
    return parseDeviceId(deviceId) ? deviceId : `sane:${deviceId}`;
  }

  /** The driver a (normalised) device id belongs to; DEVICE_NOT_FOUND when none is registered for it. */
  driverFor(deviceId: string): ScannerDriver {
    const parsed = parseDeviceId(this.normalise(deviceId));
    const d = parsed ? this.drivers.get(parsed.kind) : undefined;
    if (!d) throw new StationError('DEVICE_NOT_FOUND', `no driver for ${deviceId}`, { deviceId });
    return d;
  }

  /**
   * Whether each driver can run here and, if not, why (for `sohoa doctor` and the device list). A driver
   * found available stays so until a refresh; one that was not is asked again (the helper may have been
   * installed meanwhile, or a slow probe timed out).
   */
  async availability(refresh = false): Promise<DriverStatus[]> {
    if (refresh) this.known.clear();
    return Promise.all(
      this.all().map(async (d): Promise<DriverStatus> => {
        const known = this.known.get(d.kind);
        if (known) return known;
        let s: DriverStatus;
        try {
          s = { kind: d.kind, ...(await d.available()) };
        } catch (err) {
          s = { kind: d.kind, ok: false, reason: (err as Error).message };
        }
        if (s.ok) this.known.set(d.kind, s);
        return s;
      }),
    );
  }

  /**
   * Devices of every available driver, in registration order. A driver that fails to list does not hide
   * the others' devices; when nothing is listed and something failed (or no driver can run at all), the
   * failure is the answer, so the clerk sees why there is no scanner.
   */
  async listDevices(refresh = false): Promise<Device[]> {
    const status = await this.availability(refresh);
    const usable = this.all().filter((d) => status.find((s) => s.kind === d.kind)?.ok);
    if (usable.length === 0) {
      const reasons = status.map((s) => `${s.kind}: ${s.reason ?? 'not available'}`);
      throw new StationError('TOOL_MISSING', `no scanner driver can run here (${reasons.join('; ')})`, { drivers: status });
    }
    const results = await Promise.allSettled(usable.map((d) => d.listDevices({ refresh })));
    const devices = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (devices.length === 0 && failed) throw failed.reason;
    return devices;
  }
}
