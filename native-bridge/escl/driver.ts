import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputInfo } from 'sharp';
import type { Capabilities, ScanProfile } from '../../electron/common/capture';
import { StationError, type ErrorCode } from '../../electron/common/errors';
import type { Device } from '../../electron/common/schemas';
import { PNM_MEDIA_TYPE, writePnmFile } from '../pnm';
import { DriverScanRun } from '../runEvents';
import { spoolName } from '../sane/driver';
import { silentLogger, type DriverAvailability, type DriverFault, type DriverLogger, type ScannerDriver, type ScanRun, type ScanRunEvent, type ScanRunOptions, type SpooledPage } from '../types';
import { parseCapabilities, parseStatus, scanSettings, toCapabilities, type EsclCaps, type EsclStatus } from './caps';
import { faultFromStatus } from './faults';
import { escRequest, normaliseFingerprint, type EsclTarget } from './http';

export const ESCL_PREFIX = 'escl:';

/** A scanner the station knows: added by IT staff (a URL) or found by DNS-SD; keyed by its eSCL UUID. */
export interface EsclDeviceRecord {
  uuid: string;
  /** Base URL ending in `/` (…/eSCL/): the last address it answered on. */
  url: string;
  name: string;
  /** SHA-256 fingerprint of its HTTPS certificate, confirmed by an admin (null over HTTP). */
  pin: string | null;
  source: 'manual' | 'dns-sd';
  addedAt: string;
}

/** Where the records are kept (the station's settings table; a file or memory in tools and tests). */
export interface EsclDeviceStore {
  load(): EsclDeviceRecord[];
  save(records: EsclDeviceRecord[]): void;
}

export interface DiscoveredScanner {
  uuid: string | null;
  url: string;
  name: string;
}

/** DNS-SD browsing for `_uscan._tcp` / `_uscans._tcp` (mdns.ts). */
export type EsclBrowse = (timeoutMs: number) => Promise<DiscoveredScanner[]>;

export interface EsclDriverOptions {
  store: EsclDeviceStore;
  /** DNS-SD browse (off when absent: tests, or a network without multicast). */
  browse?: EsclBrowse;
  browseMs?: number;
  /** Request timeout for the small XML exchanges (default 30 s). */
  requestMs?: number;
  /** POST ScanJobs answered 503 (busy): retries, 1 s apart (sane-airscan: 10). */
  busyRetries?: number;
  listTtlMs?: number;
  /** Where the driver logs (the service passes its logger in). */
  log?: DriverLogger;
}

/** `http://host:port/eSCL` (or without a path) → `http://host:port/eSCL/`. */
export function normaliseBaseUrl(input: string): URL {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new StationError('INVALID_REQUEST', `not a URL: ${input}`, { url: input });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new StationError('INVALID_REQUEST', `an eSCL scanner URL is http:// or https://, not ${u.protocol}`, { url: input });
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/eSCL/';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  return u;
}

/**
 * eSCL (AirScan) over HTTP(S) in pure TypeScript, on every OS. Pages arrive as JPEG/PNG documents from the
 * NextDocument loop and are written to the spool as PNM (the same durable ingest as SANE). Faults come from the
 * HTTP status and ScannerStatus, mapped to the SANE codes (scanner-protocols.md §4.2).
 */
export class EsclDriver implements ScannerDriver {
  readonly kind = 'escl' as const;
  private readonly capsCache = new Map<string, { raw: EsclCaps; caps: Capabilities }>();
  private listCache: { at: number; devices: Device[] } | null = null;

  readonly log: DriverLogger;

  constructor(private readonly opts: EsclDriverOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Pure TypeScript over the network: nothing to install, every OS. */
  available(): DriverAvailability {
    return { ok: true };
  }

  get requestMs(): number {
    return this.opts.requestMs ?? 30_000;
  }

  get busyRetries(): number {
    return this.opts.busyRetries ?? 10;
  }

  records(): EsclDeviceRecord[] {
    return this.opts.store.load();
  }

  private record(deviceId: string): EsclDeviceRecord {
    const uuid = deviceId.startsWith(ESCL_PREFIX) ? deviceId.slice(ESCL_PREFIX.length) : deviceId;
    const r = this.records().find((x) => x.uuid === uuid);
    if (!r) throw new StationError('DEVICE_NOT_FOUND', `no eSCL scanner ${deviceId} (add it with: sohoa devices add-escl URL)`, { deviceId });
    return r;
  }

  private upsert(rec: EsclDeviceRecord): void {
    const list = this.records().filter((x) => x.uuid !== rec.uuid);
    list.push(rec);
    this.opts.store.save(list);
    this.listCache = null;
  }

  async listDevices(opts: { refresh?: boolean } = {}): Promise<Device[]> {
    const ttl = this.opts.listTtlMs ?? 10_000;
    if (!opts.refresh && this.listCache && Date.now() - this.listCache.at < ttl) return this.listCache.devices;
    if (this.opts.browse) {
      // Scanners found by DNS-SD join the list (and a known UUID at a new address is updated).
      for (const d of await this.opts.browse(this.opts.browseMs ?? 800).catch(() => [])) {
        if (!d.uuid) continue;
        const known = this.records().find((r) => r.uuid === d.uuid);
        if (!known) this.upsert({ uuid: d.uuid, url: d.url, name: d.name, pin: null, source: 'dns-sd', addedAt: new Date().toISOString() });
        else if (known.url !== d.url) this.upsert({ ...known, url: d.url });
      }
    }
    const devices = this.records().map((r) => ({ id: `${ESCL_PREFIX}${r.uuid}`, driver: 'escl' as const, name: `${r.name} (eSCL)`, vendor: '', model: r.name, type: `eSCL ${new URL(r.url).host}` }));
    this.listCache = { at: Date.now(), devices };
    if (opts.refresh) this.capsCache.clear();
    return devices;
  }

  /**
   * Adds a scanner by URL: reads its capabilities (UUID, name) and keeps it. Over HTTPS the first contact
   * fails with SCANNER_CERT_NOT_TRUSTED carrying the certificate's fingerprint; an admin confirms it by
   * passing it as `trustFingerprint`, and it is pinned.
   */
  async addDevice(url: string, trustFingerprint?: string): Promise<{ device: Device; record: EsclDeviceRecord }> {
    const base = normaliseBaseUrl(url);
    const pin = base.protocol === 'https:' && trustFingerprint ? normaliseFingerprint(trustFingerprint) : null;
    const raw = await this.fetchCaps({ base, pin });
    const uuid = raw.uuid ?? `url-${Buffer.from(base.href).toString('base64url').slice(0, 32)}`;
    const existing = this.records().find((r) => r.uuid === uuid);
    const record: EsclDeviceRecord = { uuid, url: base.href, name: raw.makeAndModel, pin, source: 'manual', addedAt: existing?.addedAt ?? new Date().toISOString() };
    this.upsert(record);
    const device = (await this.listDevices({ refresh: true })).find((d) => d.id === `${ESCL_PREFIX}${uuid}`)!;
    return { device, record };
  }

  removeDevice(deviceId: string): boolean {
    const rec = this.record(deviceId);
    this.opts.store.save(this.records().filter((r) => r.uuid !== rec.uuid));
    this.listCache = null;
    return true;
  }

  async fetchCaps(target: EsclTarget): Promise<EsclCaps> {
    const r = await escRequest(target, 'GET', 'ScannerCapabilities', { silenceMs: this.requestMs });
    if (r.status !== 200) throw new StationError('SCANNER_FAILED', `ScannerCapabilities answered HTTP ${r.status}`, { status: r.status });
    return parseCapabilities(r.body.toString('utf8'));
  }

  /**
   * The target of a device; when its last address does not answer, DNS-SD is asked for the same UUID (a
   * printer that got a new address from DHCP) and the record is updated.
   */
  async target(deviceId: string, probe = false): Promise<EsclTarget> {
    const rec = this.record(deviceId);
    const t = { base: new URL(rec.url), pin: rec.pin };
    if (!probe) return t;
    try {
      await escRequest(t, 'GET', 'ScannerStatus', { silenceMs: this.requestMs });
      return t;
    } catch (err) {
      if (!(err instanceof StationError && err.code === 'DEVICE_NOT_FOUND') || !this.opts.browse) throw err;
      const found = (await this.opts.browse(this.opts.browseMs ?? 800).catch(() => [])).find((d) => d.uuid === rec.uuid);
      if (!found) throw err;
      this.log.info('eSCL scanner found at a new address', { uuid: rec.uuid, from: rec.url, to: found.url });
      this.upsert({ ...rec, url: found.url });
      return { base: new URL(found.url), pin: rec.pin };
    }
  }

  async rawCapabilities(deviceId: string): Promise<EsclCaps> {
    const cached = this.capsCache.get(deviceId);
    if (cached) return cached.raw;
    await this.capabilities(deviceId);
    return this.capsCache.get(deviceId)!.raw;
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    const cached = this.capsCache.get(deviceId);
    if (cached) return cached.caps;
    const raw = await this.fetchCaps(await this.target(deviceId, true));
    const caps = toCapabilities(deviceId, raw);
    this.capsCache.set(deviceId, { raw, caps });
    return caps;
  }

  async status(target: EsclTarget): Promise<EsclStatus | null> {
    try {
      const r = await escRequest(target, 'GET', 'ScannerStatus', { silenceMs: this.requestMs });
      return r.status === 200 ? parseStatus(r.body.toString('utf8')) : null;
    } catch (err) {
      this.log.warn('ScannerStatus unreadable', { err: String(err) });
      return null;
    }
  }

  scan(deviceId: string, profile: ScanProfile, opts: ScanRunOptions): ScanRun {
    return new EsclScanRun(this, deviceId, profile, opts);
  }
}

type EndEvent = Extract<ScanRunEvent, { type: 'end' }>;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

class EsclScanRun extends DriverScanRun {
  private readonly abort = new AbortController();

  constructor(
    private readonly driver: EsclDriver,
    private readonly deviceId: string,
    private readonly profile: ScanProfile,
    private readonly opts: ScanRunOptions,
  ) {
    super(opts.spoolDir);
  }

  protected stop(): void {
    this.abort.abort();
  }

  private fault(code: ErrorCode, message: string, seq: number | null, continuable = true, details?: Record<string, unknown>): DriverFault {
    return { code, message, seq, continuable, ...(details ? { details } : {}) };
  }

  protected async loop(): Promise<EndEvent> {
    const { opts, profile } = this;
    let pages = 0;
    const end = (e: Omit<EndEvent, 'type' | 'pages'>): Promise<EndEvent> => this.events.finish({ type: 'end', pages, ...e });
    const faultEnd = (f: DriverFault): Promise<EndEvent> => end({ reason: 'fault', fault: f });
    const fromError = (err: unknown, seq: number): DriverFault => {
      const e = err instanceof StationError ? err : new StationError('SCANNER_FAILED', String(err));
      let code = e.code;
      // A scanner that stops answering after pages were captured has vanished (pages kept, Continue later).
      if (code === 'DEVICE_NOT_FOUND' && (opts.midBatch || pages > 0)) code = 'DEVICE_VANISHED';
      const continuable = !['INVALID_PROFILE', 'UNSUPPORTED', 'SCANNER_CERT_NOT_TRUSTED', 'SCANNER_CERT_CHANGED'].includes(code) && !(code === 'DEVICE_NOT_FOUND' && !opts.midBatch);
      return this.fault(code, e.message, seq, continuable, e.details as Record<string, unknown> | undefined);
    };
    let target: EsclTarget;
    let raw: EsclCaps;
    try {
      target = await this.driver.target(this.deviceId, true);
      raw = await this.driver.rawCapabilities(this.deviceId);
    } catch (err) {
      return faultEnd(fromError(err, opts.firstSeq));
    }
    let settings;
    try {
      settings = scanSettings(raw, profile);
    } catch (err) {
      return faultEnd(fromError(err, opts.firstSeq));
    }
    const feeder = settings.source === 'Feeder';
    const signal = this.abort.signal;

    // POST ScanJobs; 503 (busy) is retried as sane-airscan does.
    let jobPath: string;
    for (let attempt = 0; ; attempt++) {
      if (this.cancelled) return end({ reason: 'cancelled' });
      let r;
      try {
        r = await escRequest(target, 'POST', 'ScanJobs', { body: settings.xml, silenceMs: Math.min(this.driver.requestMs, opts.watchdogMs), signal });
      } catch (err) {
        if (this.cancelled) return end({ reason: 'cancelled' });
        return faultEnd(fromError(err, opts.firstSeq));
      }
      if (r.status === 201) {
        const loc = r.headers.location;
        if (!loc) return faultEnd(this.fault('SCANNER_REPLY_MALFORMED', 'the scanner created a job without a Location', opts.firstSeq));
        // Only the path of Location is trustworthy (some devices send a bogus host).
        let path: string;
        try {
          path = new URL(loc, target.base).pathname;
        } catch {
          return faultEnd(this.fault('SCANNER_REPLY_MALFORMED', `bad job Location ${loc}`, opts.firstSeq));
        }
        jobPath = path.endsWith('/') ? path : `${path}/`;
        break;
      }
      if (r.status === 503 && attempt < this.driver.busyRetries) {
        await sleep(1000, signal);
        continue;
      }
      const st = await this.driver.status(target);
      if (r.status === 503 || st?.state === 'Processing' || st?.state === 'Testing') {
        return faultEnd(this.fault('DEVICE_BUSY', `the scanner is busy (HTTP ${r.status} to ScanJobs)`, opts.firstSeq, true, { status: r.status }));
      }
      if (r.status === 409 || r.status === 400) {
        const code = faultFromStatus(st, r.status, feeder, 0);
        if (code === 'SCANNER_JAMMED' || code === 'SCANNER_COVER_OPEN' || code === 'SCANNER_FEEDER_EMPTY') return faultEnd(this.fault(code, `the scanner refused the job: ${st?.adfState}`, opts.firstSeq));
        return faultEnd(this.fault('INVALID_PROFILE', `the scanner refused the settings (HTTP ${r.status})`, opts.firstSeq, false, { status: r.status, body: r.body.toString('utf8').slice(0, 300) }));
      }
      return faultEnd(this.fault('SCANNER_FAILED', `ScanJobs answered HTTP ${r.status}`, opts.firstSeq, true, { status: r.status }));
    }

    const jobUrl = new URL(jobPath, target.base);
    const deleteJob = async (): Promise<void> => {
      try {
        await escRequest(target, 'DELETE', jobUrl.pathname.replace(/\/$/, ''), { silenceMs: 5000 });
      } catch (err) {
        this.driver.log.warn('could not delete the eSCL job', { job: jobUrl.pathname, err: String(err) });
      }
    };
    let seq = opts.firstSeq;
    let busySince: number | null = null;
    try {
      for (;;) {
        if (this.cancelled) return end({ reason: 'cancelled' });
        if (this.events.listenerError !== null) return end({ reason: 'fault' });
        if (!feeder && pages === 1) return end({ reason: 'done' });
        this.events.emit({ type: 'page-started', seq });
        let lastPct = -1;
        let r;
        try {
          r = await escRequest(target, 'GET', `${jobUrl.pathname}NextDocument`, {
            silenceMs: opts.watchdogMs,
            signal,
            onProgress: (got, total) => {
              if (total === null || total === 0) return;
              const pct = Math.floor((got / total) * 100);
              if (Math.floor(pct / 5) !== Math.floor(lastPct / 5)) {
                lastPct = pct;
                this.events.emit({ type: 'progress', seq, percent: pct });
              }
            },
          });
        } catch (err) {
          if (this.cancelled) return end({ reason: 'cancelled' });
          const f = fromError(err, seq);
          if (f.code === 'SCANNER_HANG') f.message = `the scanner was silent for ${opts.watchdogMs} ms; the job was stopped`;
          return faultEnd(f);
        }
        if (r.status === 200) {
          busySince = null;
          let page: SpooledPage;
          try {
            page = await this.spool(r.body, seq);
          } catch (err) {
            return faultEnd(err instanceof StationError ? this.fault(err.code, err.message, seq) : this.fault('IMAGE_CORRUPT', `sheet ${seq}: ${String(err)}`, seq));
          }
          this.events.emit({ type: 'page', page });
          pages++;
          seq++;
          continue;
        }
        if (r.status === 503) {
          // Not ready yet (warming up, a slow high-dpi page): retry, but not beyond the watchdog.
          busySince ??= Date.now();
          if (Date.now() - busySince > opts.watchdogMs) {
            return faultEnd(this.fault('SCANNER_HANG', `the scanner answered "busy" for ${opts.watchdogMs} ms; the job was stopped`, seq));
          }
          const after = Number(r.headers['retry-after']);
          await sleep(Math.min(2000, Number.isFinite(after) && after > 0 ? after * 1000 : 500), signal);
          continue;
        }
        if (r.status === 410) {
          if (this.cancelled) return end({ reason: 'cancelled' });
          return faultEnd(this.fault('SCANNER_FAILED', 'the scanner cancelled the job', seq));
        }
        const st = await this.driver.status(target);
        if (r.status === 404) {
          // The normal end of a load; with no page at all on a feeder job the feeder was empty.
          if (!feeder || pages > 0) return end({ reason: feeder ? 'feeder-empty' : 'done' });
          const code = faultFromStatus(st, r.status, feeder, pages);
          if (code === 'SCANNER_JAMMED' || code === 'SCANNER_COVER_OPEN') return faultEnd(this.fault(code, `the scanner stopped: ${st?.adfState}`, seq));
          return faultEnd(this.fault('SCANNER_FEEDER_EMPTY', 'the document feeder is empty', seq));
        }
        const code = faultFromStatus(st, r.status, feeder, pages);
        if (code === 'end') return end({ reason: 'feeder-empty' });
        return faultEnd(this.fault(code, `NextDocument answered HTTP ${r.status}${st ? ` (state ${st.state}, ADF ${st.adfState ?? '-'})` : ''}`, seq, true, { status: r.status, ...(st ? { state: st.state, adfState: st.adfState } : {}) }));
      }
    } finally {
      // sane-airscan DELETEs the job after every end; a platen job that delivered its page is left alone
      // (Xerox VersaLink stays busy after a DELETE there).
      if (feeder || pages === 0) await deleteJob();
    }
  }

  /** Decodes one document (JPEG/PNG) and writes it to the spool as PNM, durable before the page event. */
  private async spool(body: Buffer, seq: number): Promise<SpooledPage> {
    // sharp (libvips) loads at the first page, not with the driver registry every station start builds.
    const { default: sharp } = await import('sharp');
    let decoded: { data: Buffer; info: OutputInfo };
    try {
      decoded = await sharp(body, { failOn: 'truncated' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw new StationError('IMAGE_CORRUPT', `sheet ${seq}: the scanner sent an undecodable image (${(err as Error).message})`, { seq });
    }
    let { data, info } = decoded;
    if (info.channels !== 1 && info.channels !== 3) {
      ({ data, info } = await sharp(body).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true }));
    }
    const file = join(this.opts.spoolDir, spoolName(seq));
    try {
      const header = writePnmFile(file, info.width, info.height, info.channels as 1 | 3, data);
      return { seq, file, mediaType: PNM_MEDIA_TYPE, width: header.width, height: header.height, dpi: this.profile.resolution, pixelType: header.magic === 'P6' ? 'color' : 'gray' };
    } catch (err) {
      rmSync(`${file}.part`, { force: true });
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOSPC') throw new StationError('DISK_FULL', `no space left for sheet ${seq}`, { seq });
      throw err;
    }
  }
}

/** Records kept in memory (tools, tests). */
export function memoryDeviceStore(initial: EsclDeviceRecord[] = []): EsclDeviceStore {
  let list = [...initial];
  return { load: () => [...list], save: (r) => void (list = [...r]) };
}
