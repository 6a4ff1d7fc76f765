import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_SIZES_MM, type Capabilities, type ScanProfile } from '../../electron/common/capture';
import { StationError } from '../../electron/common/errors';
import type { Device } from '../../electron/common/schemas';
import { checkPnmFile, PNM_MEDIA_TYPE, type PnmHeader } from '../pnm';
import { killTree } from '../process/killTree';
import { runProcess, spawnChild, type Child } from '../process/run';
import { DeviceCache } from '../deviceCache';
import { DriverScanRun } from '../runEvents';
import { silentLogger, type DriverAvailability, type DriverFault, type DriverLogger, type ScannerDriver, type ScanRun, type ScanRunEvent, type ScanRunOptions, type SpooledPage } from '../types';
import { faultForExit, faultStatusOf, isOpenFailure, lastScanimageMessage, parseFaultSeam } from './faults';
import { capabilitiesFrom, parseOptions, pixelTypeOfMode, sourceKind } from './options';

export const SANE_PREFIX = 'sane:';

/** File name of sheet `seq` in a spool directory (scanimage writes `<name>.part` first, then renames). */
export const spoolName = (seq: number): string => `s${String(seq).padStart(6, '0')}.pnm`;
export const SPOOL_PATTERN = /^s(\d{6,})\.pnm$/;

export interface SaneDriverOptions {
  /** Extra environment for scanimage (SANE_CONFIG_DIR). */
  env: Record<string, string>;
  /** scanimage binary (default `$SOHOA_SCANIMAGE` or `scanimage`). */
  program?: string;
  /** How long a device list stays fresh. */
  listTtlMs?: number;
  /** Where the driver logs (the service passes its logger in: native-bridge does not know core). */
  log?: DriverLogger;
  /** `held` (default): one scanimage for the whole load; `per-sheet`: one start per sheet (SOHOA_SANE_LOAD). */
  load?: 'held' | 'per-sheet';
}

/** Sheets already given an injected fault (test seam): a Continue must not hit the same one again. */
const injected = new Set<string>();

/**
 * SANE through `scanimage`, out of process. A feeder load holds the device: one `scanimage --batch` for the
 * whole stack (re-opening per sheet costs warm-up and calibration on real ADF scanners), each page handed
 * over the moment scanimage renames its file into the job's spool directory — so every finished page is
 * durable at once, a fault mid-load keeps the pages before it, and a hang or crash costs at most the sheet in
 * flight. `load: 'per-sheet'` (SOHOA_SANE_LOAD=per-sheet) starts scanimage once per sheet instead (the bench
 * compares both). Each run is in its own process group and watched: silence longer than the watchdog kills
 * the group (SCANNER_HANG).
 *
 * Test seam: SOHOA_TEST_FAULT_AT_SHEET="N:SANE_STATUS_JAMMED[,M:…]" makes the start of sheet N (capture
 * sequence) fail with that status through the test backend's --read-return-value, once per job: the held
 * load stops before sheet N, which then runs alone with the fault. For tests only; it has no effect on
 * devices without that option.
 */
export class SaneDriver implements ScannerDriver {
  readonly kind = 'sane' as const;
  private readonly program: string;
  private readonly cache: DeviceCache;
  readonly log: DriverLogger;
  readonly loadMode: 'held' | 'per-sheet';

  constructor(private readonly opts: SaneDriverOptions) {
    this.program = opts.program ?? process.env.SOHOA_SCANIMAGE ?? 'scanimage';
    this.cache = new DeviceCache(opts.listTtlMs);
    this.log = opts.log ?? silentLogger;
    this.loadMode = opts.load ?? (process.env.SOHOA_SANE_LOAD === 'per-sheet' ? 'per-sheet' : 'held');
  }

  /** Variables set for scanimage on top of the allow-listed environment. */
  get env(): Record<string, string> {
    return this.opts.env;
  }

  async available(): Promise<DriverAvailability> {
    try {
      const r = await runProcess(this.program, ['--version'], { env: this.env, timeoutMs: 10_000 });
      if (r.code === 0) return { ok: true };
      return { ok: false, reason: `${this.program} --version failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''})` };
    } catch (err) {
      return { ok: false, reason: err instanceof StationError && err.code === 'TOOL_MISSING' ? `${this.program} is not installed (Debian: sane-utils)` : String(err) };
    }
  }

  saneName(deviceId: string): string {
    return deviceId.startsWith(SANE_PREFIX) ? deviceId.slice(SANE_PREFIX.length) : deviceId;
  }

  listDevices(opts: { refresh?: boolean } = {}): Promise<Device[]> {
    return this.cache.devices(opts.refresh ?? false, () => this.loadDevices());
  }

  private async loadDevices(): Promise<Device[]> {
    const r = await this.collect(['-f', '%d\t%v\t%m\t%t%n']);
    return r.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => {
        const [name = '', vendor = '', model = '', type = ''] = l.split('\t');
        return { id: `${SANE_PREFIX}${name}`, driver: 'sane' as const, name: `${vendor} ${model}`.trim() || name, vendor, model, type };
      });
  }

  capabilities(deviceId: string): Promise<Capabilities> {
    return this.cache.capabilities(deviceId, () => this.loadCapabilities(deviceId));
  }

  private async loadCapabilities(deviceId: string): Promise<Capabilities> {
    const name = this.saneName(deviceId);
    const r = await this.collect(['-d', name, '-A']);
    if (r.code !== 0) {
      if (isOpenFailure(r.stderr)) {
        if (/busy/i.test(r.stderr)) throw new StationError('DEVICE_BUSY', `device ${deviceId} is busy`, { deviceId });
        throw new StationError('DEVICE_NOT_FOUND', `no scanner ${deviceId}`, { deviceId, sane: lastScanimageMessage(r.stderr) });
      }
      throw new StationError('SCANNER_FAILED', `reading the options of ${deviceId} failed: ${lastScanimageMessage(r.stderr)}`, { deviceId });
    }
    return capabilitiesFrom(deviceId, name, parseOptions(r.stdout));
  }

  /** Command-line arguments for `count` sheets from `seq` (null: until the feeder is empty). Exported for tests. */
  sheetArgs(deviceId: string, caps: Capabilities, profile: ScanProfile, spoolDir: string, seq: number, extra: string[] = [], count: number | null = 1): string[] {
    const name = this.saneName(deviceId);
    const opt = new Map(caps.driverOptions.map((o) => [o.name, o]));
    const args = ['-d', name, '--format=pnm', `--batch=${join(spoolDir, 's%06d.pnm')}`, `--batch-start=${seq}`, ...(count !== null ? [`--batch-count=${count}`] : []), '--batch-print', '--progress'];
    const modes = opt.get('mode')?.values ?? [];
    let mode = modes.find((m) => pixelTypeOfMode(m) === profile.pixelType);
    let depth: string | undefined;
    if (profile.pixelType === 'bw' && !mode) {
      mode = modes.find((m) => pixelTypeOfMode(m) === 'gray');
      depth = '1';
    } else if (profile.pixelType !== 'bw' && opt.get('depth')?.values?.includes('8')) depth = '8';
    if (mode) args.push(`--mode=${mode}`);
    if (depth && opt.has('depth')) args.push(`--depth=${depth}`);
    args.push(`--resolution=${profile.resolution}`);
    const sources = opt.get('source')?.values ?? [];
    if (sources.length > 0) {
      const wantDuplex = profile.duplex && caps.duplex;
      const src =
        sources.find((s) => sourceKind(s) === profile.source && /duplex/i.test(s) === wantDuplex) ?? sources.find((s) => sourceKind(s) === profile.source);
      if (src) args.push(`--source=${src}`);
    }
    if (profile.pageSize !== 'max' && opt.has('x') && opt.has('y')) {
      const [w, h] = typeof profile.pageSize === 'string' ? PAGE_SIZES_MM[profile.pageSize] : [profile.pageSize.widthMm, profile.pageSize.heightMm];
      const mw = caps.maxWidthMm ?? w;
      const mh = caps.maxHeightMm ?? h;
      if (opt.has('l')) args.push('-l', '0');
      if (opt.has('t')) args.push('-t', '0');
      args.push('-x', String(Math.min(w, mw)), '-y', String(Math.min(h, mh)));
    }
    if (profile.brightness !== 0 && caps.brightness) args.push(`--brightness=${profile.brightness}`);
    if (profile.contrast !== 0 && caps.contrast) args.push(`--contrast=${profile.contrast}`);
    for (const [k, v] of Object.entries(profile.driverOptions)) {
      if (MANAGED.has(k)) throw new StationError('INVALID_PROFILE', `option --${k} is set by the station, not by a profile`, { option: k });
      args.push(`--${k}=${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
    }
    args.push(...extra);
    return args;
  }

  scan(deviceId: string, profile: ScanProfile, opts: ScanRunOptions): ScanRun {
    return new SaneScanRun(this, deviceId, profile, opts);
  }

  /** Spawns one sheet. Exposed to SaneScanRun only. */
  spawnSheet(args: string[]): Child {
    return spawnChild(this.program, args, { env: this.env });
  }

  /** Runs scanimage to its end (device list, options); a missing program is TOOL_MISSING. */
  private async collect(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    try {
      return await runProcess(this.program, args, { env: this.env, timeoutMs: 60_000 });
    } catch (err) {
      throw new StationError('TOOL_MISSING', `cannot run ${this.program}: ${(err as Error).message}`, { program: this.program });
    }
  }

  async deviceListed(deviceId: string): Promise<boolean> {
    try {
      const list = await this.listDevices({ refresh: true });
      return list.some((d) => d.id === deviceId);
    } catch {
      return false;
    }
  }
}

/** Options the driver sets itself: a profile must not override them. */
const MANAGED = new Set(['mode', 'resolution', 'source', 'depth', 'format', 'batch', 'batch-start', 'batch-count', 'batch-print', 'output-file', 'device-name', 'l', 't', 'x', 'y', 'brightness', 'contrast']);

/** What ended one scanimage run of a load; the pages it finished were already handed over one by one. */
interface LoadOutcome {
  /** Pages finished (and handed over) by this run. */
  pages: number;
  /** Every requested sheet arrived and scanimage ended cleanly. */
  complete?: boolean;
  fault?: DriverFault;
  /** The feeder had no (more) sheets (scanimage exit 7, or exit 0 short of the count). */
  empty?: boolean;
  cancelled?: boolean;
}

class SaneScanRun extends DriverScanRun {
  private current: { pid: number } | null = null;

  constructor(
    private readonly driver: SaneDriver,
    private readonly deviceId: string,
    private readonly profile: ScanProfile,
    private readonly opts: ScanRunOptions,
  ) {
    super(opts.spoolDir);
  }

  protected stop(): void {
    // SIGINT makes scanimage cancel cleanly (sane_cancel, file removed); SIGKILL if it does not listen.
    const cur = this.current;
    if (cur) {
      killTree(cur.pid, 'SIGINT');
      setTimeout(() => {
        if (this.current === cur) killTree(cur.pid, 'SIGKILL');
      }, 3000).unref();
    }
  }

  protected async loop(): Promise<Extract<ScanRunEvent, { type: 'end' }>> {
    const { profile, opts } = this;
    let caps: Capabilities;
    let pages = 0;
    const finish = (end: Omit<Extract<ScanRunEvent, { type: 'end' }>, 'type' | 'pages'>): Promise<Extract<ScanRunEvent, { type: 'end' }>> =>
      this.events.finish({ type: 'end', pages, ...end });
    try {
      caps = await this.driver.capabilities(this.deviceId);
    } catch (err) {
      const e = err instanceof StationError ? err : new StationError('SCANNER_FAILED', String(err));
      const code = e.code === 'DEVICE_NOT_FOUND' && opts.midBatch ? 'DEVICE_VANISHED' : e.code;
      return finish({ reason: 'fault', fault: { code, message: e.message, seq: opts.firstSeq, continuable: code !== 'DEVICE_NOT_FOUND' } });
    }
    const capacity = profile.source === 'feeder' ? caps.feederCapacity : null;
    const seam = parseFaultSeam(process.env.SOHOA_TEST_FAULT_AT_SHEET);
    const seamUsable = caps.driverOptions.some((o) => o.name === 'read-return-value');
    const held = this.driver.loadMode === 'held';
    let seq = opts.firstSeq;
    for (;;) {
      if (this.cancelled) return finish({ reason: 'cancelled' });
      if (this.events.listenerError !== null) return finish({ reason: 'fault' });
      if (profile.source === 'flatbed' && pages === 1) return finish({ reason: 'done' });
      if (capacity !== null && pages >= capacity) return finish({ reason: 'feeder-empty' });
      const extra: string[] = [];
      const seamKey = (n: number): string => `${opts.spoolDir}#${n}`;
      const seamStatus = seamUsable && !injected.has(seamKey(seq)) ? seam.get(seq) : undefined;
      // Sheets for this scanimage run: one (per-sheet mode, flatbed, a seam fault on this sheet) or the whole
      // load, stopping short of the next seam sheet so the fault still hits the start of that sheet.
      let count: number | null = 1;
      if (seamStatus) {
        injected.add(seamKey(seq));
        extra.push(`--read-return-value=${seamStatus}`);
        // The test backend's reader process hung ~1 run in 20 when sane_read was made to fail (scanimage never
        // exited; measured 2/40 with a NO_DOCS seam, 0/40 with --fork=no): the seam reads in-process.
        if (caps.driverOptions.some((o) => o.name === 'fork')) extra.push('--fork=no');
        this.driver.log.warn('test seam: injecting a fault', { seq, status: seamStatus });
      } else if (held && profile.source === 'feeder') {
        const nextSeam = seamUsable ? [...seam.keys()].filter((n) => n > seq && !injected.has(seamKey(n))).sort((a, b) => a - b)[0] : undefined;
        const limits = [capacity !== null ? capacity - pages : Infinity, nextSeam !== undefined ? nextSeam - seq : Infinity];
        const m = Math.min(...limits);
        count = Number.isFinite(m) ? m : null;
      }
      let args: string[];
      try {
        args = this.driver.sheetArgs(this.deviceId, caps, profile, opts.spoolDir, seq, extra, count);
      } catch (err) {
        const e = err as StationError;
        return finish({ reason: 'fault', fault: { code: e.code ?? 'INVALID_PROFILE', message: e.message, seq, continuable: false } });
      }
      const r = await this.runLoad(args, seq, count, (page) => {
        this.events.emit({ type: 'page', page });
        pages++;
      });
      seq += r.pages;
      if (r.complete) continue;
      if (r.cancelled || this.cancelled) return finish({ reason: 'cancelled' });
      if (r.empty) {
        if (pages > 0) return finish({ reason: 'feeder-empty' });
        return finish({ reason: 'fault', fault: { code: 'SCANNER_FEEDER_EMPTY', message: 'the document feeder is empty', seq, continuable: true } });
      }
      return finish({ reason: 'fault', fault: r.fault! });
    }
  }

  /**
   * One scanimage run from sheet `firstSeq` for `count` sheets (null: until the feeder is empty). Each sheet is
   * handed over the moment its file carries its final name (scanimage renames `.part` when the image is whole):
   * seen on the `--batch-print` line or by the watchdog's poll, whichever comes first. The outcome then
   * concerns the sheet in flight only; every sheet before it is already kept.
   */
  private runLoad(args: string[], firstSeq: number, count: number | null, onPage: (page: SpooledPage) => void): Promise<LoadOutcome> {
    const { spoolDir, watchdogMs } = this.opts;
    let seq = firstSeq;
    let done = 0;
    const fileOf = (n: number): string => join(spoolDir, spoolName(n));
    this.events.emit({ type: 'page-started', seq });
    return new Promise((resolve) => {
      let child: Child;
      try {
        child = this.driver.spawnSheet(args);
      } catch (err) {
        resolve({ pages: 0, fault: { code: 'TOOL_MISSING', message: `cannot start scanimage: ${(err as Error).message}`, seq, continuable: false } });
        return;
      }
      let stderr = '';
      let lastActivity = Date.now();
      let lastSize = -1;
      let hung = false;
      let lastPercent = -1;
      let spawnError: Error | null = null;
      let bad: DriverFault | null = null;
      const out = (o: Omit<LoadOutcome, 'pages'>): void => resolve({ pages: done, ...o });
      /** Hands over every finished sheet in order; a torn one stops the run (IMAGE_CORRUPT). */
      const harvest = (): void => {
        while (bad === null && (count === null || done < count) && existsSync(fileOf(seq))) {
          const file = fileOf(seq);
          const check = checkPnmFile(file);
          if (!check.ok) {
            rejectFile(file);
            bad = { code: 'IMAGE_CORRUPT', message: `sheet ${seq}: ${check.reason}`, seq, continuable: true };
            if (child.pid !== undefined) killTree(child.pid, 'SIGKILL');
            return;
          }
          onPage(pageOf(seq, file, check.header, this.profile.resolution));
          done++;
          seq++;
          lastPercent = -1;
          lastSize = -1;
          lastActivity = Date.now();
          if (count === null || done < count) this.events.emit({ type: 'page-started', seq });
        }
      };
      if (child.pid !== undefined) this.current = { pid: child.pid };
      child.on('error', (err) => (spawnError = err));
      child.stdout.on('data', () => {
        lastActivity = Date.now();
        harvest();
      });
      child.stderr.on('data', (c: Buffer) => {
        lastActivity = Date.now();
        const text = c.toString('latin1');
        stderr = (stderr + text).slice(-20_000);
        const all = [...text.matchAll(/Progress: ([\d.]+)%/g)];
        const pct = all.length > 0 ? Number(all.at(-1)![1]) : NaN;
        if (Number.isFinite(pct) && Math.floor(pct / 5) !== Math.floor(lastPercent / 5)) {
          lastPercent = pct;
          this.events.emit({ type: 'progress', seq, percent: pct });
        }
      });
      const tick = Math.max(50, Math.min(500, Math.floor(watchdogMs / 4)));
      const timer = setInterval(() => {
        harvest();
        const part = `${fileOf(seq)}.part`;
        try {
          const size = existsSync(part) ? statSync(part).size : -1;
          if (size !== lastSize) {
            lastSize = size;
            lastActivity = Date.now();
          }
        } catch {
          /* renamed meanwhile */
        }
        if (!hung && Date.now() - lastActivity > watchdogMs && child.pid !== undefined) {
          hung = true;
          this.driver.log.error('scanner silent: killing the driver', { seq, pid: child.pid, watchdogMs });
          killTree(child.pid, 'SIGKILL');
        }
      }, tick);
      child.on('close', (code, signal) => {
        clearInterval(timer);
        this.current = null;
        // Sheets that finished before the end (or before a kill) are scanned: keep them.
        harvest();
        rmSync(`${fileOf(seq)}.part`, { force: true });
        const stray = existsSync(fileOf(seq)) && (count === null || done < count) ? fileOf(seq) : null;
        void this.loadEnded({ code, signal, stderr, spawnError, bad, hung, seq, done, count, stray }).then(out);
      });
    });
  }

  /**
   * What the end of a scanimage run means, decided in order: it never started, a torn sheet, the watchdog
   * stopped it, the clerk cancelled, a signal ended it mid-image, or else its exit status and stderr.
   */
  private async loadEnded(end: LoadEnd): Promise<Omit<LoadOutcome, 'pages'>> {
    if (end.spawnError) return { fault: { code: 'TOOL_MISSING', message: `cannot run scanimage: ${end.spawnError.message}`, seq: end.seq, continuable: false } };
    if (end.bad) return { fault: end.bad };
    if (end.hung) return this.hungOutcome(end);
    if (this.cancelled) {
      if (end.stray) rejectFile(end.stray);
      return { cancelled: true };
    }
    if (end.signal !== null) {
      if (end.stray) rejectFile(end.stray);
      return { fault: { code: 'IMAGE_CORRUPT', message: `the driver stopped mid-image (${end.signal}); the sheet was not kept`, seq: end.seq, continuable: true, details: { signal: end.signal } } };
    }
    return this.exitOutcome(end);
  }

  /** The watchdog killed a silent scanimage: a fault, unless every sheet of the run had already arrived whole. */
  private hungOutcome(end: LoadEnd): Omit<LoadOutcome, 'pages'> {
    if (end.stray) rejectFile(end.stray);
    if (end.done > 0 && end.count !== null && end.done >= end.count) {
      // Every sheet had been delivered whole; the driver only stuck on its way out.
      this.events.emit({ type: 'warning', code: 'SCANNER_HANG', message: `scanimage stuck after sheet ${end.seq - 1}; stopped` });
      return { complete: true };
    }
    return { fault: { code: 'SCANNER_HANG', message: `the scanner was silent for ${this.opts.watchdogMs} ms; the driver was stopped`, seq: end.seq, continuable: true } };
  }

  /** scanimage exited by itself: its exit status, read together with what it and the scanner said on stderr. */
  private async exitOutcome(end: LoadEnd): Promise<Omit<LoadOutcome, 'pages'>> {
    const { code, stderr, seq } = end;
    const reported = faultStatusOf(stderr);
    if (code === 0 && reported === null) {
      // scanimage --batch on an empty feeder exits 0 and writes nothing: short of the count = feeder empty.
      return end.count !== null && end.done >= end.count ? { complete: true } : { empty: true };
    }
    if (end.stray) rejectFile(end.stray);
    const sane = lastScanimageMessage(stderr);
    if (code === 7) return { empty: true };
    if (isOpenFailure(stderr)) return this.openFailure(seq, sane);
    if (/setting of option .* failed/.test(stderr)) {
      return { fault: { code: 'INVALID_PROFILE', message: `the device refused a setting: ${sane}`, seq, continuable: false, details: { sane } } };
    }
    // A fault the scanner reported wins over the exit code (which may be 0 after scanimage's SIGPIPE abort).
    const mapped = faultForExit(reported ?? code ?? -1);
    const saneRead = /sane_read: [^\r\n]+/.exec(stderr)?.[0];
    return { fault: { code: mapped.code, message: saneRead ?? (sane || `scanimage exited ${code}`), seq, continuable: mapped.continuable, details: { exit: code, sane, status: reported } } };
  }

  /** scanimage could not open the device: busy, gone since the batch began, never there, or failing. */
  private async openFailure(seq: number, sane: string): Promise<Omit<LoadOutcome, 'pages'>> {
    if (/busy/i.test(sane)) return { fault: { code: 'DEVICE_BUSY', message: `device busy: ${sane}`, seq, continuable: true } };
    const listed = await this.driver.deviceListed(this.deviceId);
    const code = listed ? 'SCANNER_FAILED' : this.opts.midBatch || seq > this.opts.firstSeq ? 'DEVICE_VANISHED' : 'DEVICE_NOT_FOUND';
    return { fault: { code, message: `cannot open ${this.deviceId}: ${sane}`, seq, continuable: true, details: { sane } } };
  }
}

/** How a scanimage run ended, as the close handler saw it. */
interface LoadEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  spawnError: Error | null;
  /** A torn sheet found while harvesting (the run was killed for it). */
  bad: DriverFault | null;
  /** The watchdog killed it. */
  hung: boolean;
  /** The sheet in flight. */
  seq: number;
  done: number;
  count: number | null;
  /** A finished file of the sheet in flight that must not be ingested. */
  stray: string | null;
}

function pageOf(seq: number, file: string, header: PnmHeader, dpi: number): SpooledPage {
  const pixelType = header.magic === 'P6' ? 'color' : header.magic === 'P5' ? 'gray' : 'bw';
  return { seq, file, mediaType: PNM_MEDIA_TYPE, width: header.width, height: header.height, dpi, pixelType };
}

/** A finished file that must not be ingested (corrupt, or from a killed run) is kept aside for diagnosis. */
function rejectFile(file: string): void {
  try {
    const dir = join(file, '..', 'rejected');
    mkdirSync(dir, { recursive: true });
    renameSync(file, join(dir, `${Date.now()}-${file.split('/').at(-1)!}`));
  } catch {
    rmSync(file, { force: true });
  }
}
