import { existsSync } from 'node:fs';
import type { Capabilities, PageSize, PixelType, ScanProfile } from '../../../electron/common/capture';
import { StationError } from '../../../electron/common/errors';
import type { Device } from '../../../electron/common/schemas';
import { DeviceCache } from '../../deviceCache';
import type { ProcessPlatform } from '../../process/killTree';
import { silentLogger, type DriverAvailability, type DriverLogger, type ScannerDriver, type ScanRun, type ScanRunOptions } from '../../types';
import { collectHelper, launchHelper, type HelperCommand, type HelperEvent, type HelperLauncher } from '../helperProcess';
import { HelperScanRun, type ScanProtocol, type Verdict } from '../helperScanRun';
import { twainFault, type TwainFailure } from './conditions';

export const TWAIN_PREFIX = 'twain:';

export type TwainArch = 'x64' | 'x86';

export interface TwainHelper {
  arch: TwainArch;
  command: HelperCommand;
  /** The helper executable, for available() (its absence is the usual reason TWAIN cannot run). */
  exe: string;
}

export interface TwainDriverOptions {
  /** One helper per bitness: a process loads only data sources of its own bitness (§3.2). */
  helpers: TwainHelper[];
  /** The path the helper sees for a local directory (identity on Windows; `Z:\…` under Wine). */
  helperPath?: (localPath: string) => string;
  launch?: HelperLauncher;
  os?: ProcessPlatform;
  log?: DriverLogger;
  listTtlMs?: number;
  /** Why this driver cannot run on this machine at all (not Windows, no test rig). */
  unavailable?: string;
}

const PIXEL_TYPES: Record<number, PixelType> = { 0: 'bw', 1: 'gray', 2: 'color' };
/** ICAP_SUPPORTEDSIZES values (TWSS_*) of the station's page sizes. */
const SIZES: Record<number, Exclude<PageSize, object>> = { 1: 'A4', 3: 'Letter', 4: 'Legal', 5: 'A5', 11: 'A3' };

const nums = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

/** Capabilities from the helper's `caps` event (the values MSG_GET returned for each capability). */
export function capabilitiesFromTwain(deviceId: string, ev: HelperEvent): Capabilities {
  const pixelTypes = nums(ev.pixelTypes)
    .map((p) => PIXEL_TYPES[p])
    .filter((p): p is PixelType => p !== undefined);
  const xr = ev.xResolutions;
  const resolutions: Capabilities['resolutions'] =
    xr && typeof xr === 'object' && !Array.isArray(xr)
      ? { range: { min: Number((xr as { min: number }).min), max: Number((xr as { max: number }).max), step: Number((xr as { step: number }).step) || 1 } }
      : { values: nums(xr) };
  const feeder = Array.isArray(ev.feederEnabled);
  const inch = (v: unknown): number | null => (nums(v)[0] !== undefined ? Math.round(nums(v)[0]! * 25.4 * 10) / 10 : null);
  return {
    deviceId,
    pixelTypes: pixelTypes.length > 0 ? pixelTypes : ['color'],
    resolutions,
    // TWAIN has no "flatbed present" capability: a source without CAP_FEEDERENABLED is a flatbed, one with it may be both.
    sources: feeder ? ['flatbed', 'feeder'] : ['flatbed'],
    duplex: nums(ev.duplex).some((d) => d > 0),
    feederCapacity: null,
    maxWidthMm: inch(ev.physicalWidth),
    maxHeightMm: inch(ev.physicalHeight),
    pageSizes: nums(ev.sizes)
      .map((s) => SIZES[s])
      .filter((s): s is Exclude<PageSize, object> => s !== undefined),
    brightness: false,
    contrast: false,
    blankPageDetection: 'station',
    driverOptions: [],
  };
}

/**
 * The scan protocol of the TWAIN helper: page events as they come, `done` ends the load, `error` carries the
 * failed triplet with TWRC/TWCC mapped to station codes (conditions.ts). The helper's `state` events are the
 * TWAIN state machine (1–7), logged.
 */
export function twainProtocol(opts: { midBatch: boolean; firstSeq: number; log: DriverLogger }): ScanProtocol {
  return {
    interpret(ev, pages): Verdict {
      switch (ev.type) {
        case 'ready':
        case 'negotiated':
          opts.log.info(`twain ${ev.type}`, { ...ev });
          return { kind: 'ignore' };
        case 'state':
          opts.log.info(`TWAIN state ${String(ev.from)} → ${String(ev.to)}`, { triplet: ev.triplet });
          return { kind: 'ignore' };
        case 'page-started':
          return { kind: 'page-started', seq: Number(ev.seq) };
        case 'progress':
          return { kind: 'progress', seq: Number(ev.seq), percent: Number(ev.percent) };
        case 'page':
          return { kind: 'page', seq: Number(ev.seq), file: String(ev.file) };
        case 'done':
          return { kind: 'end', reason: ev.reason === 'feeder-empty' || ev.reason === 'closed-by-source' ? 'feeder-empty' : 'done' };
        case 'cancelled':
          return { kind: 'end', reason: 'cancelled' };
        case 'fatal':
          return { kind: 'end', reason: 'fault', fault: { code: 'TOOL_MISSING', message: String(ev.message ?? 'the TWAIN helper cannot run'), seq: opts.firstSeq, continuable: false } };
        case 'error': {
          const f: TwainFailure = {
            twrc: Number(ev.twrc),
            twcc: Number(ev.twcc),
            state: Number(ev.state),
            triplet: String(ev.triplet ?? ''),
            seq: Number(ev.seq ?? 0),
            detail: typeof ev.detail === 'string' ? ev.detail : '',
          };
          const m = twainFault(f, { pages, midBatch: opts.midBatch || pages > 0 });
          if (m === 'feeder-empty') return { kind: 'end', reason: 'feeder-empty' };
          if (m === 'cancelled') return { kind: 'end', reason: 'cancelled' };
          return { kind: 'end', reason: 'fault', fault: m };
        }
        default:
          return { kind: 'ignore' };
      }
    },
    exited(code, signal) {
      return { code: 'SCANNER_FAILED', message: `the TWAIN helper ended without a result (${signal ?? `exit ${code}`})`, seq: null, continuable: true };
    },
  };
}

/** TWAIN through the station's helper (native-bridge/windows/twain/helper.c), one helper process per operation. */
export class TwainDriver implements ScannerDriver {
  readonly kind = 'twain' as const;
  private readonly launch: HelperLauncher;
  readonly log: DriverLogger;
  private readonly cache: DeviceCache;

  constructor(private readonly opts: TwainDriverOptions) {
    this.launch = opts.launch ?? launchHelper(opts.os);
    this.log = opts.log ?? silentLogger;
    this.cache = new DeviceCache(opts.listTtlMs);
  }

  available(): DriverAvailability {
    if (this.opts.unavailable) return { ok: false, reason: this.opts.unavailable };
    const present = this.opts.helpers.filter((h) => existsSync(h.exe));
    if (present.length > 0) return { ok: true };
    const wanted = this.opts.helpers.map((h) => h.exe).join(', ');
    return { ok: false, reason: `the TWAIN helper is not installed (${wanted || 'none configured'}); build it with native-bridge/windows/build.sh` };
  }

  /** `twain:x86:Product Name` → helper and product name. */
  parseId(deviceId: string): { helper: TwainHelper; name: string } {
    const m = /^twain:(x64|x86):(.+)$/.exec(deviceId);
    const helper = m ? this.opts.helpers.find((h) => h.arch === m[1]) : undefined;
    if (!m || !helper) throw new StationError('DEVICE_NOT_FOUND', `no TWAIN source ${deviceId}`, { deviceId });
    return { helper, name: m[2]! };
  }

  listDevices(opts: { refresh?: boolean } = {}): Promise<Device[]> {
    return this.cache.devices(opts.refresh ?? false, () => this.loadDevices());
  }

  private async loadDevices(): Promise<Device[]> {
    const devices: Device[] = [];
    for (const h of this.opts.helpers) {
      if (!existsSync(h.exe)) continue;
      const r = await collectHelper(this.launch, h.command, { op: 'list' }, { timeoutMs: 60_000, log: this.log, missing: `cannot run the TWAIN helper ${h.exe}` });
      const fatal = r.events.find((e) => e.type === 'fatal');
      if (fatal) {
        this.log.warn('TWAIN helper cannot list sources', { arch: h.arch, message: fatal.message });
        continue;
      }
      for (const e of r.events) {
        if (e.type !== 'device' || typeof e.name !== 'string') continue;
        devices.push({
          id: `${TWAIN_PREFIX}${h.arch}:${e.name}`,
          driver: 'twain',
          name: e.name,
          vendor: String(e.manufacturer ?? ''),
          model: String(e.family ?? ''),
          type: `TWAIN ${String(e.protocol ?? '')} (${h.arch})`.trim(),
        });
      }
    }
    return devices;
  }

  capabilities(deviceId: string): Promise<Capabilities> {
    return this.cache.capabilities(deviceId, () => this.loadCapabilities(deviceId));
  }

  private async loadCapabilities(deviceId: string): Promise<Capabilities> {
    const { helper, name } = this.parseId(deviceId);
    const r = await collectHelper(this.launch, helper.command, { op: 'caps', device: name }, { timeoutMs: 60_000, log: this.log, missing: `cannot run the TWAIN helper ${helper.exe}` });
    const caps = r.events.find((e) => e.type === 'caps');
    if (!caps) {
      const err = r.events.find((e) => e.type === 'error' || e.type === 'fatal');
      if (err?.type === 'error') {
        const f = twainFault(
          { twrc: Number(err.twrc), twcc: Number(err.twcc), state: Number(err.state), triplet: String(err.triplet ?? ''), seq: 0 },
          { pages: 0, midBatch: false },
        );
        if (typeof f === 'object') throw new StationError(f.code, `${deviceId}: ${f.message}`, { deviceId, ...f.details });
      }
      throw new StationError('SCANNER_FAILED', `reading the capabilities of ${deviceId} failed`, { deviceId, exit: r.code, timedOut: r.timedOut });
    }
    return capabilitiesFromTwain(deviceId, caps);
  }

  scan(deviceId: string, profile: ScanProfile, opts: ScanRunOptions): ScanRun {
    const { helper, name } = this.parseId(deviceId);
    const toHelper = this.opts.helperPath ?? ((p: string) => p);
    const request = {
      op: 'scan',
      device: name,
      outDir: toHelper(opts.spoolDir),
      firstSeq: opts.firstSeq,
      pixelType: profile.pixelType,
      resolution: profile.resolution,
      source: profile.source,
      duplex: profile.duplex,
      pageSize: typeof profile.pageSize === 'string' ? profile.pageSize : 'max',
    };
    return new HelperScanRun({
      ...opts,
      launch: this.launch,
      command: helper.command,
      request,
      protocol: twainProtocol({ midBatch: opts.midBatch, firstSeq: opts.firstSeq, log: this.log }),
      profile,
      log: this.log,
      ...(this.opts.os ? { os: this.opts.os } : {}),
    });
  }
}

/** A Linux path as a Wine process sees it (the `Z:` drive maps `/`). */
export const winePath = (p: string): string => `Z:${p.replace(/\//g, '\\')}`;
