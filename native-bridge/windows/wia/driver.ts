import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Capabilities, PageSize, PixelType, ScanProfile } from '../../../electron/common/capture';
import { StationError } from '../../../electron/common/errors';
import type { Device } from '../../../electron/common/schemas';
import { DeviceCache } from '../../deviceCache';
import type { ProcessPlatform } from '../../process/killTree';
import { spoolName } from '../../sane/driver';
import { silentLogger, type DriverAvailability, type DriverFault, type DriverLogger, type ScannerDriver, type ScanRun, type ScanRunOptions } from '../../types';
import { collectHelper, launchHelper, type HelperCommand, type HelperEvent, type HelperLauncher } from '../helperProcess';
import { HelperScanRun, type ScanProtocol, type Verdict } from '../helperScanRun';
import { convertBmpFile } from './bmp';
import { parseHresult, wiaFault } from './errors';
import { DATATYPE, HANDLING_CAPABILITY, HANDLING_STATUS, PAGE_SIZE, WIA_PROPERTY } from './properties';

export const WIA_PREFIX = 'wia:';

/** `powershell.exe … -File wia.ps1`: the WIA Automation helper (STA: WIA's COM objects need it). */
export function wiaHelperCommand(dir: string): HelperCommand {
  return {
    cmd: 'powershell.exe',
    args: ['-STA', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', join(dir, 'wia.ps1')],
  };
}

export interface WiaDriverOptions {
  command: HelperCommand;
  launch?: HelperLauncher;
  os?: ProcessPlatform;
  log?: DriverLogger;
  listTtlMs?: number;
  /** Why this driver cannot run on this machine at all (not Windows). */
  unavailable?: string;
}

/** The station's page size as WIA_DPS_PAGE_SIZE. */
export const wiaPageSize = (p: PageSize): number | null =>
  p === 'A4' ? PAGE_SIZE.A4 : p === 'Letter' ? PAGE_SIZE.LETTER : p === 'Legal' ? PAGE_SIZE.USLEGAL : p === 'A3' ? PAGE_SIZE.ISO_A3 : p === 'A5' ? PAGE_SIZE.ISO_A5 : null;

const DATATYPES: Record<number, PixelType> = { [DATATYPE.THRESHOLD]: 'bw', [DATATYPE.GRAYSCALE]: 'gray', [DATATYPE.COLOR]: 'color' };

/** Capabilities from the `property` events of a caps run (root and scan item properties). */
export function capabilitiesFromWia(deviceId: string, events: HelperEvent[]): Capabilities {
  const prop = (id: number): HelperEvent | undefined => events.find((e) => e.type === 'property' && e.id === id);
  const handling = Number(prop(WIA_PROPERTY.WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES)?.value ?? HANDLING_CAPABILITY.FLAT);
  const sources: Capabilities['sources'] = [];
  if (handling & HANDLING_CAPABILITY.FLAT) sources.push('flatbed');
  if (handling & HANDLING_CAPABILITY.FEED) sources.push('feeder');
  const xres = prop(WIA_PROPERTY.WIA_IPS_XRES);
  const values = Array.isArray(xres?.values) ? (xres.values as unknown[]).filter((v): v is number => typeof v === 'number') : [];
  const range = xres?.range as { min?: number; max?: number; step?: number } | undefined;
  const types = prop(WIA_PROPERTY.WIA_IPA_DATATYPE);
  const pixelTypes = (Array.isArray(types?.values) ? (types.values as number[]) : [Number(types?.value ?? DATATYPE.COLOR)])
    .map((t) => DATATYPES[t])
    .filter((t): t is PixelType => t !== undefined);
  const thousandths = (id: number): number | null => {
    const v = Number(prop(id)?.value);
    return Number.isFinite(v) && v > 0 ? Math.round(v * 0.0254 * 10) / 10 : null;
  };
  const feeder = sources.includes('feeder');
  const capacity = Number(prop(WIA_PROPERTY.WIA_DPS_DOCUMENT_HANDLING_CAPACITY)?.value);
  return {
    deviceId,
    pixelTypes: pixelTypes.length > 0 ? pixelTypes : ['color'],
    resolutions: range && typeof range.min === 'number' ? { range: { min: range.min, max: Number(range.max), step: Number(range.step) || 1 } } : { values: values.length > 0 ? values : [Number(xres?.value ?? 200)] },
    sources: sources.length > 0 ? sources : ['flatbed'],
    duplex: (handling & HANDLING_CAPABILITY.DUP) !== 0,
    feederCapacity: feeder && Number.isInteger(capacity) && capacity > 0 ? capacity : null,
    maxWidthMm: thousandths(feeder ? WIA_PROPERTY.WIA_DPS_HORIZONTAL_SHEET_FEED_SIZE : WIA_PROPERTY.WIA_DPS_HORIZONTAL_BED_SIZE),
    maxHeightMm: thousandths(feeder ? WIA_PROPERTY.WIA_DPS_VERTICAL_SHEET_FEED_SIZE : WIA_PROPERTY.WIA_DPS_VERTICAL_BED_SIZE),
    pageSizes: ['A4', 'Letter', 'Legal', 'A5', 'A3'],
    brightness: false,
    contrast: false,
    blankPageDetection: 'station',
    driverOptions: [],
  };
}

type WiaState = 'starting' | 'ready' | 'connected' | 'transferring' | 'ended';

/**
 * The WIA scan state machine: starting → ready (helper up) → connected (device open, properties read and set)
 * ⇄ transferring (one Item.Transfer per page) → ended. It reads WIA_DPS_DOCUMENT_HANDLING_STATUS before a
 * feeder load and refuses to feed into a jam, an open cover or an empty tray; HRESULTs map through
 * errors.ts; events out of order are a helper fault, never guessed around.
 */
export function wiaProtocol(opts: { source: ScanProfile['source']; spoolDir: string; firstSeq: number; midBatch: boolean; log: DriverLogger }): ScanProtocol & { state(): WiaState } {
  let state: WiaState = 'starting';
  let transferring: number | null = null;
  const seqOf = (index: number): number => opts.firstSeq + index - 1;
  const out = (expected: WiaState[], ev: HelperEvent): void => {
    if (!expected.includes(state)) throw new Error(`WIA helper sent "${ev.type}" while ${state}`);
  };
  const end = (v: Verdict): Verdict => {
    state = 'ended';
    return v;
  };
  const faultEnd = (f: DriverFault): Verdict => end({ kind: 'end', reason: 'fault', fault: f });
  return {
    state: () => state,
    interpret(ev, pages): Verdict {
      switch (ev.type) {
        case 'ready':
          out(['starting'], ev);
          state = 'ready';
          return { kind: 'ignore' };
        case 'fatal':
          return faultEnd({ code: 'TOOL_MISSING', message: String(ev.message ?? 'the WIA helper cannot run'), seq: opts.firstSeq, continuable: false });
        case 'connected':
          out(['ready'], ev);
          state = 'connected';
          return { kind: 'ignore' };
        case 'property': {
          out(['connected'], ev);
          opts.log.info('WIA property', { item: ev.item, id: ev.id, name: ev.name, value: ev.value });
          if (ev.id === WIA_PROPERTY.WIA_DPS_DOCUMENT_HANDLING_STATUS && opts.source === 'feeder') {
            const s = Number(ev.value);
            const seq = seqOf(pages + 1);
            const details = { status: `0x${s.toString(16)}` };
            if (s & HANDLING_STATUS.PAPER_JAM) return faultEnd({ code: 'SCANNER_JAMMED', message: 'the document feeder is jammed', seq, continuable: true, details });
            if (s & HANDLING_STATUS.MULTIPLE_FEED)
              return faultEnd({ code: 'SCANNER_JAMMED', message: 'the feeder took several sheets at once (double feed)', seq, continuable: true, details: { ...details, doubleFeed: true } });
            if (s & (HANDLING_STATUS.PATH_COVER_UP | HANDLING_STATUS.FLAT_COVER_UP)) return faultEnd({ code: 'SCANNER_COVER_OPEN', message: 'a cover of the scanner is open', seq, continuable: true, details });
            if (!(s & HANDLING_STATUS.FEED_READY)) {
              if (pages > 0) return end({ kind: 'end', reason: 'feeder-empty' });
              return faultEnd({ code: 'SCANNER_FEEDER_EMPTY', message: 'the document feeder is empty', seq, continuable: true, details });
            }
          }
          return { kind: 'ignore' };
        }
        case 'set':
          out(['connected'], ev);
          // A driver that rejects one property still scans (NAPS2's SafeSetProperty): log it and go on.
          if (ev.ok === false) opts.log.warn('WIA driver refused a property', { id: ev.id, name: ev.name, value: ev.value, hresult: ev.hresult });
          else opts.log.info('WIA property set', { id: ev.id, name: ev.name, value: ev.value });
          return { kind: 'ignore' };
        case 'transfer': {
          out(['connected'], ev);
          const index = Number(ev.index);
          if (index !== pages + 1) throw new Error(`WIA helper started page ${index} after ${pages} pages`);
          state = 'transferring';
          transferring = index;
          return { kind: 'page-started', seq: seqOf(index) };
        }
        case 'progress':
          out(['transferring'], ev);
          return { kind: 'progress', seq: seqOf(transferring ?? pages + 1), percent: Number(ev.percent) };
        case 'page': {
          out(['transferring'], ev);
          const index = Number(ev.index);
          if (index !== transferring) throw new Error(`WIA helper delivered page ${index} while transferring ${String(transferring)}`);
          const file = String(ev.file);
          if (file.includes('/') || file.includes('\\')) throw new Error(`WIA helper named a page outside the spool: ${file}`);
          state = 'connected';
          transferring = null;
          const seq = seqOf(index);
          return { kind: 'page', seq, file, prepare: () => convertBmpFile(join(opts.spoolDir, file), join(opts.spoolDir, spoolName(seq))) };
        }
        case 'error': {
          const hr = parseHresult(ev.hresult);
          if (hr === null) throw new Error(`WIA helper error without an HRESULT: ${JSON.stringify(ev)}`);
          const m = wiaFault(hr, { pages, midBatch: opts.midBatch, seq: seqOf(pages + 1) });
          if (m === 'feeder-empty') return end({ kind: 'end', reason: opts.source === 'feeder' ? 'feeder-empty' : 'done' });
          if (m === 'cancelled') return end({ kind: 'end', reason: 'cancelled' });
          return faultEnd(m);
        }
        case 'done':
          out(['connected'], ev);
          if (opts.source === 'feeder' && pages === 0)
            // NAPS2: a feeder job that yields no page is an empty feeder.
            return faultEnd({ code: 'SCANNER_FEEDER_EMPTY', message: 'the document feeder is empty', seq: opts.firstSeq, continuable: true });
          return end({ kind: 'end', reason: opts.source === 'feeder' ? 'feeder-empty' : 'done' });
        case 'cancelled':
          return end({ kind: 'end', reason: 'cancelled' });
        default:
          return { kind: 'ignore' };
      }
    },
    exited(code, signal) {
      return { code: 'SCANNER_FAILED', message: `the WIA helper ended without a result (${signal ?? `exit ${code}`}) while ${state}`, seq: null, continuable: true };
    },
  };
}

/** WIA through the PowerShell + WIA Automation helper (wia.ps1), one helper process per operation. */
export class WiaDriver implements ScannerDriver {
  readonly kind = 'wia' as const;
  private readonly launch: HelperLauncher;
  readonly log: DriverLogger;
  private readonly cache: DeviceCache;

  constructor(private readonly opts: WiaDriverOptions) {
    this.launch = opts.launch ?? launchHelper(opts.os);
    this.log = opts.log ?? silentLogger;
    this.cache = new DeviceCache(opts.listTtlMs);
  }

  available(): DriverAvailability {
    if (this.opts.unavailable) return { ok: false, reason: this.opts.unavailable };
    const script = this.opts.command.args.at(-1);
    if (script && script.endsWith('.ps1') && !existsSync(script)) return { ok: false, reason: `the WIA helper script ${script} is missing` };
    return { ok: true };
  }

  private async collect(request: Record<string, unknown>): Promise<HelperEvent[]> {
    const r = await collectHelper(this.launch, this.opts.command, request, { timeoutMs: 60_000, log: this.log, missing: 'cannot run the WIA helper (powershell.exe)' });
    const fatal = r.events.find((e) => e.type === 'fatal');
    if (fatal) throw new StationError('TOOL_MISSING', String(fatal.message ?? 'the WIA helper cannot run'), { missing: fatal.missing });
    return r.events;
  }

  listDevices(opts: { refresh?: boolean } = {}): Promise<Device[]> {
    return this.cache.devices(opts.refresh ?? false, () => this.loadDevices());
  }

  private async loadDevices(): Promise<Device[]> {
    let events: HelperEvent[];
    try {
      events = await this.collect({ op: 'list' });
    } catch (err) {
      // No WIA on this machine (service stopped…): no devices from WIA; doctor says why.
      this.log.warn('WIA devices unavailable', { err: String(err) });
      events = [];
    }
    return events
      .filter((e) => e.type === 'device' && typeof e.id === 'string')
      .map((e) => {
        const name = typeof e.name === 'string' && e.name !== '' && e.name !== 'No friendly name' ? e.name : String(e.description ?? e.id);
        return { id: `${WIA_PREFIX}${String(e.id)}`, driver: 'wia' as const, name, vendor: String(e.vendor ?? ''), model: String(e.description ?? ''), type: 'WIA scanner' };
      });
  }

  wiaId(deviceId: string): string {
    if (!deviceId.startsWith(WIA_PREFIX)) throw new StationError('DEVICE_NOT_FOUND', `no WIA device ${deviceId}`, { deviceId });
    return deviceId.slice(WIA_PREFIX.length);
  }

  capabilities(deviceId: string): Promise<Capabilities> {
    return this.cache.capabilities(deviceId, () => this.loadCapabilities(deviceId));
  }

  private async loadCapabilities(deviceId: string): Promise<Capabilities> {
    const events = await this.collect({ op: 'caps', device: this.wiaId(deviceId) });
    const err = events.find((e) => e.type === 'error');
    if (err) {
      const m = wiaFault(parseHresult(err.hresult) ?? 0x80004005, { pages: 0, midBatch: false, seq: null });
      if (typeof m === 'object') throw new StationError(m.code, `${deviceId}: ${m.message}`, { deviceId, ...m.details });
    }
    return capabilitiesFromWia(deviceId, events);
  }

  scan(deviceId: string, profile: ScanProfile, opts: ScanRunOptions): ScanRun {
    const request = {
      op: 'scan',
      device: this.wiaId(deviceId),
      outDir: opts.spoolDir,
      firstSeq: opts.firstSeq,
      dataType: profile.pixelType === 'color' ? DATATYPE.COLOR : profile.pixelType === 'gray' ? DATATYPE.GRAYSCALE : DATATYPE.THRESHOLD,
      resolution: profile.resolution,
      source: profile.source,
      duplex: profile.duplex,
      pageSize: typeof profile.pageSize === 'string' ? wiaPageSize(profile.pageSize) : null,
    };
    return new HelperScanRun({
      ...opts,
      launch: this.launch,
      command: this.opts.command,
      request,
      protocol: wiaProtocol({ source: profile.source, spoolDir: opts.spoolDir, firstSeq: opts.firstSeq, midBatch: opts.midBatch, log: this.log }),
      profile,
      log: this.log,
      ...(this.opts.os ? { os: this.opts.os } : {}),
    });
  }
}
