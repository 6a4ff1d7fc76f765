import type { Capabilities } from '../electron/common/capture';
import type { Device } from '../electron/common/schemas';

/**
 * A driver's memory of its devices: the list stays fresh for `ttlMs` (listing can take seconds: a network
 * probe, a helper process, Wine), capabilities until the next refreshing list (the device may have changed).
 */
export class DeviceCache {
  private list: { at: number; devices: Device[] } | null = null;
  private readonly caps = new Map<string, Capabilities>();

  constructor(private readonly ttlMs = 10_000) {}

  async devices(refresh: boolean, load: () => Promise<Device[]>): Promise<Device[]> {
    if (!refresh && this.list && Date.now() - this.list.at < this.ttlMs) return this.list.devices;
    const devices = await load();
    this.list = { at: Date.now(), devices };
    if (refresh) this.caps.clear();
    return devices;
  }

  async capabilities(deviceId: string, load: () => Promise<Capabilities>): Promise<Capabilities> {
    const cached = this.caps.get(deviceId);
    if (cached) return cached;
    const caps = await load();
    this.caps.set(deviceId, caps);
    return caps;
  }
}
