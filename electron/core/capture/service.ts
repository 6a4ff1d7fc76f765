import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Capabilities, CapturedPage, ScanFault, ScanJob, ScanJobDetail, ScanJobState, ScanProfile } from '../../common/capture';
import { scanProfileSchema } from '../../common/capture';
import { StationError, type ErrorCode } from '../../common/errors';
import type { Device } from '../../common/schemas';
import { checkPnmFile } from '../../../native-bridge/pnm';
import { killOrphans } from '../../../native-bridge/processes';
import { EsclDriver } from '../../../native-bridge/escl/driver';
import type { DriverRegistry } from '../../../native-bridge/registry';
import { SPOOL_PATTERN } from '../../../native-bridge/sane/driver';
import type { ScanRun, SpooledPage } from '../../../native-bridge/types';
import { createLogger } from '../log/logger';
import {
  componentExists,
  getScanJob,
  insertScanJob,
  jobPages,
  jobsInState,
  lastSeq,
  listScanJobs,
  pageExists,
  recordPage,
  setJobProfile,
  setJobState,
  type ScanJobRow,
} from '../store/capture';
import type { Station } from '../station/station';
import { AnalyseStep } from './analyseStep';
import { resolveProfile } from './profiles';
import { checkAgainstCapabilities, checkCompliance } from './scanProfile';
import { assertNotAbandoned } from '../dossiers/abandon';

const log = createLogger('capture');

export const DEFAULT_WATCHDOG_MS = 60_000;

/** Codes after which Continue cannot help (the settings or the device id are wrong). */
const NOT_CONTINUABLE: ReadonlySet<ErrorCode> = new Set(['INVALID_PROFILE', 'UNSUPPORTED', 'TOOL_MISSING', 'DEVICE_NOT_FOUND']);

interface Running {
  run: ScanRun;
  progress: number | null;
}

export interface StartParams {
  deviceId: string;
  profile: unknown;
  componentId: string;
  watchdogMs?: number | undefined;
}

/**
 * Scan jobs of one station: drives a native-bridge driver, ingests each finished page durably (spool file →
 * blob store, fsync → `page` row committed with synchronous=FULL → then the `scan.page` event), keeps faults
 * continuable into the same component, and recovers after a crash (finished spool files ingested, `.part`
 * files dropped, orphaned driver processes killed, running jobs marked interrupted).
 */
export class CaptureService {
  readonly spoolRoot: string;
  private readonly running = new Map<string, Running>();
  /** Unsupported settings and the last fault per job (details the table does not hold). */
  private readonly unsupported = new Map<string, string[]>();
  private readonly faults = new Map<string, ScanFault>();
  readonly ready: Promise<void>;
  /** Ingest's second step: each durable page is analysed (blank, orientation, skew, compliance) in order. */
  readonly analyse: AnalyseStep;
  private closing = false;

  constructor(
    private readonly station: Station,
    /** The station's scanner drivers (see capture/drivers.ts), injected by the composition root. */
    readonly drivers: DriverRegistry,
  ) {
    this.spoolRoot = station.layout.spool;
    mkdirSync(this.spoolRoot, { recursive: true, mode: 0o700 });
    this.analyse = new AnalyseStep(station);
    station.onClose(() => this.close());
    this.ready = this.recover().catch((err: unknown) => {
      // Logged, not fatal: the pages stay in the spool for the next start; scanning itself still works.
      log.error('capture recovery failed', { err: String(err) });
    });
  }

  // ---- devices ----------------------------------------------------------------------------------------

  /** `test:0` and `sane:test:0` name the same device (device ids are `<driver>:<id>`). */
  normaliseDeviceId(deviceId: string): string {
    return this.drivers.normalise(deviceId);
  }

  /** The devices of every driver that can run here. */
  listDevices(refresh = false): Promise<Device[]> {
    return this.drivers.listDevices(refresh);
  }

  /** Adds a network (eSCL) scanner by URL; over HTTPS the admin confirms its certificate's fingerprint. */
  async addEscl(url: string, trustFingerprint?: string): Promise<Device> {
    const escl = this.drivers.get('escl');
    if (!(escl instanceof EsclDriver)) throw new StationError('UNSUPPORTED', 'the eSCL driver is not registered');
    const { device } = await escl.addDevice(url, trustFingerprint);
    return device;
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    const id = this.normaliseDeviceId(deviceId);
    const devices = await this.listDevices();
    if (!devices.some((d) => d.id === id) && !(await this.listDevices(true)).some((d) => d.id === id)) {
      throw new StationError('DEVICE_NOT_FOUND', `no scanner ${deviceId}`, { deviceId, known: devices.map((d) => d.id) });
    }
    return this.drivers.driverFor(id).capabilities(id);
  }

  async resolveForDevice(profileRef: unknown, deviceId?: string): Promise<{ profile: ScanProfile; compliant: boolean; unsupported: string[] }> {
    const { profile, compliant } = resolveProfile(profileRef);
    if (deviceId === undefined) return { profile, compliant, unsupported: [] };
    const caps = await this.capabilities(deviceId);
    return { profile, compliant, unsupported: checkAgainstCapabilities(profile, caps) };
  }

  // ---- jobs -------------------------------------------------------------------------------------------

  async start(p: StartParams): Promise<ScanJob> {
    await this.ready;
    if (this.closing) throw new StationError('SERVICE_UNREACHABLE', 'the station is shutting down');
    const deviceId = this.normaliseDeviceId(p.deviceId);
    const { profile, unsupported } = await this.resolveForDevice(p.profile, deviceId);
    if (!componentExists(this.station.store, p.componentId)) {
      throw new StationError('NOT_FOUND', `no component ${p.componentId}`, { componentId: p.componentId });
    }
    assertNotAbandoned(this.station.store, p.componentId);
    this.assertDeviceFree(deviceId);
    const row = insertScanJob(this.station.store, { componentId: p.componentId, deviceId, profileJson: JSON.stringify(profile) });
    this.unsupported.set(row.id, unsupported);
    for (const setting of unsupported) {
      this.station.emit('scan.warning', { jobId: row.id, code: 'UNSUPPORTED', message: `${setting} is not supported by ${deviceId}; scanning without it`, setting });
    }
    this.launch(row, profile, 1, false, p.watchdogMs);
    return this.toJob(getScanJob(this.station.store, row.id)!);
  }

  async continueJob(jobId: string, opts: { driverOptions?: Record<string, string | number | boolean> | undefined; watchdogMs?: number | undefined }): Promise<ScanJob> {
    await this.ready;
    const row = this.requireJob(jobId);
    if (row.state === 'running' || this.running.has(jobId)) throw new StationError('SCAN_IN_PROGRESS', `job ${jobId} is still scanning`, { jobId });
    if (!row.component_id || !componentExists(this.station.store, row.component_id)) {
      throw new StationError('SCAN_NOT_CONTINUABLE', `the component of job ${jobId} no longer exists`, { jobId });
    }
    if (row.error_code && NOT_CONTINUABLE.has(row.error_code) && row.state === 'failed') {
      throw new StationError('SCAN_NOT_CONTINUABLE', `job ${jobId} failed with ${row.error_code}: start a new scan`, { jobId, errorCode: row.error_code });
    }
    let profile = scanProfileSchema.parse(JSON.parse(row.profile_json));
    if (opts.driverOptions) {
      profile = scanProfileSchema.parse({ ...profile, driverOptions: opts.driverOptions });
      const caps = await this.capabilities(row.device_id);
      this.unsupported.set(jobId, checkAgainstCapabilities(profile, caps));
      setJobProfile(this.station.store, jobId, JSON.stringify(profile));
    }
    this.assertDeviceFree(row.device_id);
    const next = lastSeq(this.station.store, jobId) + 1;
    this.faults.delete(jobId);
    setJobState(this.station.store, jobId, 'running', null);
    this.launch(this.requireJob(jobId), profile, next, next > 1, opts.watchdogMs);
    return this.toJob(this.requireJob(jobId));
  }

  async cancel(jobId: string): Promise<ScanJob> {
    await this.ready;
    const row = this.requireJob(jobId);
    const r = this.running.get(jobId);
    if (r) {
      r.run.cancel();
      await r.run.done;
      await this.settled(jobId);
    } else if (row.state === 'paused' || row.state === 'interrupted') {
      setJobState(this.station.store, jobId, 'cancelled', null);
    }
    return this.toJob(this.requireJob(jobId));
  }

  async get(jobId: string): Promise<ScanJobDetail> {
    await this.ready;
    const row = this.requireJob(jobId);
    return { ...this.toJob(row), pages: jobPages(this.station.store, jobId) };
  }

  async list(f: { componentId?: string | undefined; state?: ScanJobState | undefined; limit: number }): Promise<ScanJob[]> {
    await this.ready;
    const filter: { componentId?: string; state?: ScanJobState; limit: number } = { limit: f.limit };
    if (f.componentId !== undefined) filter.componentId = f.componentId;
    if (f.state !== undefined) filter.state = f.state;
    return listScanJobs(this.station.store, filter).map((r) => this.toJob(r));
  }

  /** Resolves once the job's run has ended and its final state is written. */
  private readonly settledWaiters = new Map<string, Promise<void>>();
  settled(jobId: string): Promise<void> {
    return this.settledWaiters.get(jobId) ?? Promise.resolve();
  }

  private assertDeviceFree(deviceId: string): void {
    for (const [id] of this.running) {
      const other = getScanJob(this.station.store, id);
      if (other?.device_id === deviceId) throw new StationError('SCAN_IN_PROGRESS', `${deviceId} is scanning job ${id}`, { jobId: id, deviceId });
    }
  }

  private requireJob(jobId: string): ScanJobRow {
    const row = getScanJob(this.station.store, jobId);
    if (!row) throw new StationError('SCAN_JOB_NOT_FOUND', `no scan job ${jobId}`, { jobId });
    return row;
  }

  private toJob(r: ScanJobRow): ScanJob {
    const fault =
      this.faults.get(r.id) ??
      (r.error_code && (r.state === 'paused' || r.state === 'failed')
        ? { code: r.error_code, message: r.error_code, seq: lastSeq(this.station.store, r.id) + 1, continuable: !NOT_CONTINUABLE.has(r.error_code) }
        : null);
    return {
      id: r.id,
      componentId: r.component_id,
      deviceId: r.device_id,
      profile: scanProfileSchema.parse(JSON.parse(r.profile_json)),
      state: r.state,
      errorCode: r.error_code,
      fault,
      pagesDone: r.pages_done,
      unsupported: this.unsupported.get(r.id) ?? [],
      progress: this.running.get(r.id)?.progress ?? null,
      startedAt: r.started_at,
      endedAt: r.ended_at,
    };
  }

  spoolDirOf(jobId: string): string {
    return join(this.spoolRoot, jobId);
  }

  private launch(row: ScanJobRow, profile: ScanProfile, firstSeq: number, midBatch: boolean, watchdogMs?: number): void {
    const jobId = row.id;
    const componentId = row.component_id!;
    const envWatchdog = Number(process.env.SOHOA_SCAN_WATCHDOG_MS);
    const watchdog = watchdogMs ?? (Number.isFinite(envWatchdog) && envWatchdog > 0 ? envWatchdog : DEFAULT_WATCHDOG_MS);
    const spoolDir = this.spoolDirOf(jobId);
    const compliant = checkCompliance(profile).compliant;
    const run = this.drivers.driverFor(row.device_id).scan(row.device_id, profile, { spoolDir, firstSeq, watchdogMs: watchdog, midBatch });
    const state: Running = { run, progress: null };
    this.running.set(jobId, state);
    let pagesThisRun = 0;
    this.station.emit('scan.started', { jobId, componentId, deviceId: row.device_id, firstSeq, unsupported: this.unsupported.get(jobId) ?? [] });
    run.on(async (ev) => {
      switch (ev.type) {
        case 'page-started':
          state.progress = 0;
          break;
        case 'progress':
          state.progress = ev.percent;
          this.station.emit('scan.progress', { jobId, seq: ev.seq, percent: ev.percent });
          break;
        case 'warning':
          this.station.emit('scan.warning', { jobId, code: ev.code, message: ev.message });
          break;
        case 'page': {
          const page = await this.ingest(jobId, componentId, ev.page, compliant);
          pagesThisRun++;
          state.progress = null;
          this.station.emit('scan.page', { ...page });
          this.analyse.enqueue(page);
          break;
        }
        case 'end':
          break;
      }
    });
    const settled = run.done.then(
      (end) => {
        this.running.delete(jobId);
        let next: ScanJobState;
        if (end.reason === 'fault' && end.fault) {
          const f = end.fault;
          const continuable = f.continuable && !NOT_CONTINUABLE.has(f.code);
          next = continuable ? 'paused' : 'failed';
          const fault: ScanFault = { code: f.code, message: f.message, seq: f.seq, continuable };
          this.faults.set(jobId, fault);
          setJobState(this.station.store, jobId, next, f.code);
          const pagesDone = getScanJob(this.station.store, jobId)?.pages_done ?? 0;
          log.warn('scan fault', { jobId, code: f.code, seq: f.seq, message: f.message });
          this.station.emit('scan.fault', { jobId, ...fault, pagesDone });
        } else {
          next = end.reason === 'cancelled' ? 'cancelled' : 'completed';
          setJobState(this.station.store, jobId, next, null);
        }
        if (next === 'completed' || next === 'cancelled') this.cleanSpool(jobId);
        const pagesDone = getScanJob(this.station.store, jobId)?.pages_done ?? 0;
        this.station.emit('scan.end', { jobId, state: next, reason: end.reason, pagesDone, pagesThisRun });
      },
      (err: unknown) => {
        this.running.delete(jobId);
        log.error('scan run crashed', { jobId, err: String(err) });
        setJobState(this.station.store, jobId, 'paused', 'SCANNER_FAILED');
        this.station.emit('scan.end', { jobId, state: 'paused', reason: 'fault', pagesDone: 0, pagesThisRun });
      },
    );
    this.settledWaiters.set(jobId, settled);
  }

  /**
   * Makes one finished spool file durable: a hard link is moved into the blob store (hash, fsync, rename,
   * fsync dir), then the row is committed, then the spool file is removed. A crash at any point leaves
   * either the spool file (re-ingested at start-up) or the committed page.
   */
  private async ingest(jobId: string, componentId: string, page: SpooledPage, compliant: boolean): Promise<CapturedPage> {
    const link = `${page.file}.ingest`;
    rmSync(link, { force: true });
    linkSync(page.file, link);
    const put = await this.station.blobs.putFile(link, { move: true });
    const { page: stored } = recordPage(this.station.store, {
      jobId,
      componentId,
      seq: page.seq,
      sha256: put.sha256,
      size: put.size,
      mediaType: page.mediaType,
      width: page.width,
      height: page.height,
      dpi: page.dpi,
      pixelType: page.pixelType,
      compliant,
    });
    rmSync(page.file, { force: true });
    return stored;
  }

  private cleanSpool(jobId: string): void {
    const dir = this.spoolDirOf(jobId);
    try {
      const left = existsSync(dir) ? readdirSync(dir).filter((f) => SPOOL_PATTERN.test(f)) : [];
      if (left.length === 0) rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      log.warn('spool clean-up failed', { jobId, err: String(err) });
    }
  }

  /**
   * Start-up recovery: kill orphaned drivers still writing into our spool, then per job directory ingest
   * finished pages in sequence order (skipping those already recorded), drop `.part`/`.ingest` leftovers,
   * and mark jobs that were running as interrupted.
   */
  private async recover(): Promise<void> {
    const killed = await killOrphans('scanimage', this.spoolRoot);
    if (killed.length > 0) log.warn('killed orphaned scanner drivers', { pids: killed });
    const dirs = existsSync(this.spoolRoot) ? readdirSync(this.spoolRoot) : [];
    for (const jobId of dirs) {
      const dir = join(this.spoolRoot, jobId);
      if (!statSync(dir).isDirectory()) continue;
      const row = getScanJob(this.station.store, jobId);
      const files = readdirSync(dir);
      for (const f of files) if (f.endsWith('.part') || f.endsWith('.ingest')) rmSync(join(dir, f), { force: true });
      if (!row) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const finished = files
        .map((f) => ({ f, m: SPOOL_PATTERN.exec(f) }))
        .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
        .map((x) => ({ file: join(dir, x.f), seq: Number(x.m[1]) }))
        .sort((a, b) => a.seq - b.seq);
      const profile = scanProfileSchema.parse(JSON.parse(row.profile_json));
      const compliant = checkCompliance(profile).compliant;
      for (const { file, seq } of finished) {
        if (pageExists(this.station.store, jobId, seq)) {
          rmSync(file, { force: true });
          continue;
        }
        const check = checkPnmFile(file);
        if (!check.ok || !row.component_id || seq !== lastSeq(this.station.store, jobId) + 1) {
          log.warn('spool file not ingested', { jobId, seq, reason: check.ok ? 'out of sequence' : check.reason });
          rmSync(file, { force: true });
          continue;
        }
        const h = check.header;
        const page = await this.ingest(
          jobId,
          row.component_id,
          { seq, file, mediaType: 'image/x-portable-anymap', width: h.width, height: h.height, dpi: profile.resolution, pixelType: h.magic === 'P6' ? 'color' : h.magic === 'P5' ? 'gray' : 'bw' },
          compliant,
        );
        log.info('recovered a finished page from the spool', { jobId, seq, sha256: page.sha256 });
        this.analyse.enqueue(page);
      }
      if (row.state === 'completed' || row.state === 'cancelled') this.cleanSpool(jobId);
    }
    for (const row of jobsInState(this.station.store, 'running')) {
      setJobState(this.station.store, row.id, 'interrupted', null);
      log.warn('scan job interrupted by a restart', { jobId: row.id, pagesDone: getScanJob(this.station.store, row.id)?.pages_done });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const waits: Promise<unknown>[] = [];
    for (const [id, r] of this.running) {
      r.run.cancel();
      waits.push(r.run.done, this.settled(id));
    }
    await Promise.allSettled(waits);
    await this.analyse.close();
  }
}
