import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_SIZES_MM, type Capabilities, type ScanProfile } from '../../electron/common/capture';
import { StationError } from '../../electron/common/errors';
import type { Device } from '../../electron/common/schemas';
import { createLogger } from '../../electron/core/log/logger';
import { checkPnmFile, PNM_MEDIA_TYPE, type PnmHeader } from '../pnm';
import { killGroup } from '../processes';
import type { DriverFault, ScannerDriver, ScanRun, ScanRunEvent, ScanRunOptions, SpooledPage } from '../types';
import { faultForExit, faultStatusOf, isOpenFailure, lastScanimageMessage, parseFaultSeam } from './faults';
import { capabilitiesFrom, parseOptions, pixelTypeOfMode, sourceKind } from './options';

const log = createLogger('sane');

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
}

/** Sheets already given an injected fault (test seam): a Continue must not hit the same one again. */
const injected = new Set<string>();

/**
 * SANE through `scanimage`, out of process. A load is run as successive starts — one scanimage per sheet
 * (`--batch-count=1`, `--batch-start=<seq>`) into the job's spool directory — so pages are streamed as each
 * finishes, a fault can hit any sheet, and a hang or crash costs at most the sheet in flight. Each run is
 * in its own process group and watched: silence longer than the watchdog kills the group (SCANNER_HANG).
 *
 * Test seam: SOHOA_TEST_FAULT_AT_SHEET="N:SANE_STATUS_JAMMED[,M:…]" makes the start of sheet N (capture
 * sequence) fail with that status through the test backend's --read-return-value, once per job. For tests
 * only; it has no effect on devices without that option.
 */
export class SaneDriver implements ScannerDriver {
  readonly kind = 'sane' as const;
  private readonly program: string;
  private listCache: { at: number; devices: Device[] } | null = null;
  private readonly capsCache = new Map<string, Capabilities>();

  constructor(private readonly opts: SaneDriverOptions) {
    this.program = opts.program ?? process.env.SOHOA_SCANIMAGE ?? 'scanimage';
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.opts.env };
  }

  available(): boolean {
    const r = spawnSync(this.program, ['--version'], { env: this.env, encoding: 'utf8', timeout: 10_000 });
    return r.status === 0;
  }

  saneName(deviceId: string): string {
    return deviceId.startsWith(SANE_PREFIX) ? deviceId.slice(SANE_PREFIX.length) : deviceId;
  }

  async listDevices(opts: { refresh?: boolean } = {}): Promise<Device[]> {
    const ttl = this.opts.listTtlMs ?? 10_000;
    if (!opts.refresh && this.listCache && Date.now() - this.listCache.at < ttl) return this.listCache.devices;
    const r = await runCollect(this.program, ['-f', '%d\t%v\t%m\t%t%n'], this.env, 60_000);
    if (r.error) throw new StationError('TOOL_MISSING', `cannot run ${this.program}: ${r.error}`, { program: this.program });
    const devices: Device[] = r.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => {
        const [name = '', vendor = '', model = '', type = ''] = l.split('\t');
        return { id: `${SANE_PREFIX}${name}`, driver: 'sane' as const, name: `${vendor} ${model}`.trim() || name, vendor, model, type };
      });
    this.listCache = { at: Date.now(), devices };
    if (opts.refresh) this.capsCache.clear();
    return devices;
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    const cached = this.capsCache.get(deviceId);
    if (cached) return cached;
    const name = this.saneName(deviceId);
    const r = await runCollect(this.program, ['-d', name, '-A'], this.env, 60_000);
    if (r.error) throw new StationError('TOOL_MISSING', `cannot run ${this.program}: ${r.error}`, { program: this.program });
    if (r.code !== 0) {
      if (isOpenFailure(r.stderr)) {
        if (/busy/i.test(r.stderr)) throw new StationError('DEVICE_BUSY', `device ${deviceId} is busy`, { deviceId });
        throw new StationError('DEVICE_NOT_FOUND', `no scanner ${deviceId}`, { deviceId, sane: lastScanimageMessage(r.stderr) });
      }
      throw new StationError('SCANNER_FAILED', `reading the options of ${deviceId} failed: ${lastScanimageMessage(r.stderr)}`, { deviceId });
    }
    const caps = capabilitiesFrom(deviceId, name, parseOptions(r.stdout));
    this.capsCache.set(deviceId, caps);
    return caps;
  }

  /** Command-line arguments for one sheet (exported for tests). */
  sheetArgs(deviceId: string, caps: Capabilities, profile: ScanProfile, spoolDir: string, seq: number, extra: string[] = []): string[] {
    const name = this.saneName(deviceId);
    const opt = new Map(caps.driverOptions.map((o) => [o.name, o]));
    const args = ['-d', name, '--format=pnm', `--batch=${join(spoolDir, 's%06d.pnm')}`, `--batch-start=${seq}`, '--batch-count=1', '--batch-print', '--progress'];
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
  spawnSheet(args: string[]): ReturnType<typeof spawn> {
    return spawn(this.program, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

interface SheetResult {
  page?: SpooledPage;
  fault?: DriverFault;
  /** The feeder had no sheet (scanimage exit 7, or exit 0 without a file). */
  empty?: boolean;
  cancelled?: boolean;
}

class SaneScanRun implements ScanRun {
  private readonly listeners: ((ev: ScanRunEvent) => void | Promise<void>)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private cancelled = false;
  private listenerError: unknown = null;
  private current: { pid: number } | null = null;
  readonly done: Promise<Extract<ScanRunEvent, { type: 'end' }>>;

  constructor(
    private readonly driver: SaneDriver,
    private readonly deviceId: string,
    private readonly profile: ScanProfile,
    private readonly opts: ScanRunOptions,
  ) {
    mkdirSync(opts.spoolDir, { recursive: true, mode: 0o700 });
    // Start on the next tick so the caller can attach listeners first.
    this.done = new Promise((resolve) => setImmediate(resolve)).then(() => this.loop());
  }

  on(listener: (ev: ScanRunEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    // SIGINT makes scanimage cancel cleanly (sane_cancel, file removed); SIGKILL if it does not listen.
    const cur = this.current;
    if (cur) {
      killGroup(cur.pid, 'SIGINT');
      setTimeout(() => {
        if (this.current === cur) killGroup(cur.pid, 'SIGKILL');
      }, 3000).unref();
    }
  }

  private emit(ev: ScanRunEvent): void {
    this.chain = this.chain.then(async () => {
      for (const l of this.listeners) {
        try {
          await l(ev);
        } catch (err) {
          // A listener that cannot keep the page (disk full…) stops the load: nothing more is scanned.
          if (this.listenerError === null) this.listenerError = err;
          this.cancel();
        }
      }
    });
  }

  private async loop(): Promise<Extract<ScanRunEvent, { type: 'end' }>> {
    const { profile, opts } = this;
    let caps: Capabilities;
    let pages = 0;
    const finish = async (end: Extract<ScanRunEvent, { type: 'end' }>): Promise<Extract<ScanRunEvent, { type: 'end' }>> => {
      await this.chain;
      let final = end;
      if (this.listenerError !== null) {
        const e = this.listenerError;
        const code = e instanceof StationError ? e.code : 'INTERNAL';
        final = { type: 'end', reason: 'fault', pages, fault: { code, message: (e as Error).message ?? String(e), seq: null, continuable: true } };
      }
      this.emit(final);
      await this.chain;
      return final;
    };
    try {
      caps = await this.driver.capabilities(this.deviceId);
    } catch (err) {
      const e = err instanceof StationError ? err : new StationError('SCANNER_FAILED', String(err));
      const code = e.code === 'DEVICE_NOT_FOUND' && opts.midBatch ? 'DEVICE_VANISHED' : e.code;
      return finish({ type: 'end', reason: 'fault', pages, fault: { code, message: e.message, seq: opts.firstSeq, continuable: code !== 'DEVICE_NOT_FOUND' } });
    }
    const capacity = profile.source === 'feeder' ? caps.feederCapacity : null;
    const seam = parseFaultSeam(process.env.SOHOA_TEST_FAULT_AT_SHEET);
    let seq = opts.firstSeq;
    for (;;) {
      if (this.cancelled) return finish({ type: 'end', reason: 'cancelled', pages });
      if (this.listenerError !== null) return finish({ type: 'end', reason: 'fault', pages });
      if (profile.source === 'flatbed' && pages === 1) return finish({ type: 'end', reason: 'done', pages });
      if (capacity !== null && pages >= capacity) return finish({ type: 'end', reason: 'feeder-empty', pages });
      const extra: string[] = [];
      const seamKey = `${opts.spoolDir}#${seq}`;
      const seamStatus = seam.get(seq);
      if (seamStatus && !injected.has(seamKey) && caps.driverOptions.some((o) => o.name === 'read-return-value')) {
        injected.add(seamKey);
        extra.push(`--read-return-value=${seamStatus}`);
        log.warn('test seam: injecting a fault', { seq, status: seamStatus });
      }
      let args: string[];
      try {
        args = this.driver.sheetArgs(this.deviceId, caps, profile, opts.spoolDir, seq, extra);
      } catch (err) {
        const e = err as StationError;
        return finish({ type: 'end', reason: 'fault', pages, fault: { code: e.code ?? 'INVALID_PROFILE', message: e.message, seq, continuable: false } });
      }
      this.emit({ type: 'page-started', seq });
      const r = await this.runSheet(args, seq);
      if (r.page) {
        this.emit({ type: 'page', page: r.page });
        pages++;
        seq++;
        continue;
      }
      if (r.cancelled || this.cancelled) return finish({ type: 'end', reason: 'cancelled', pages });
      if (r.empty) {
        if (pages > 0) return finish({ type: 'end', reason: 'feeder-empty', pages });
        return finish({
          type: 'end',
          reason: 'fault',
          pages,
          fault: { code: 'SCANNER_FEEDER_EMPTY', message: 'the document feeder is empty', seq, continuable: true },
        });
      }
      return finish({ type: 'end', reason: 'fault', pages, fault: r.fault! });
    }
  }

  private runSheet(args: string[], seq: number): Promise<SheetResult> {
    const { spoolDir, watchdogMs } = this.opts;
    const file = join(spoolDir, spoolName(seq));
    const part = `${file}.part`;
    return new Promise((resolve) => {
      let child: ReturnType<typeof spawn>;
      try {
        child = this.driver.spawnSheet(args);
      } catch (err) {
        resolve({ fault: { code: 'TOOL_MISSING', message: `cannot start scanimage: ${(err as Error).message}`, seq, continuable: false } });
        return;
      }
      let stderr = '';
      let lastActivity = Date.now();
      let lastSize = -1;
      let hung = false;
      let lastPercent = -1;
      let spawnError: Error | null = null;
      if (child.pid !== undefined) this.current = { pid: child.pid };
      child.on('error', (err) => (spawnError = err));
      child.stdout?.on('data', () => (lastActivity = Date.now()));
      child.stderr?.on('data', (c: Buffer) => {
        lastActivity = Date.now();
        const text = c.toString('latin1');
        stderr = (stderr + text).slice(-20_000);
        const all = [...text.matchAll(/Progress: ([\d.]+)%/g)];
        const pct = all.length > 0 ? Number(all.at(-1)![1]) : NaN;
        if (Number.isFinite(pct) && Math.floor(pct / 5) !== Math.floor(lastPercent / 5)) {
          lastPercent = pct;
          this.emit({ type: 'progress', seq, percent: pct });
        }
      });
      const tick = Math.max(50, Math.min(500, Math.floor(watchdogMs / 4)));
      const timer = setInterval(() => {
        try {
          const size = existsSync(part) ? statSync(part).size : existsSync(file) ? statSync(file).size : -1;
          if (size !== lastSize) {
            lastSize = size;
            lastActivity = Date.now();
          }
        } catch {
          /* renamed meanwhile */
        }
        if (!hung && Date.now() - lastActivity > watchdogMs && child.pid !== undefined) {
          hung = true;
          log.error('scanner silent: killing the driver', { seq, pid: child.pid, watchdogMs });
          killGroup(child.pid, 'SIGKILL');
        }
      }, tick);
      child.on('close', (code, signal) => {
        clearInterval(timer);
        this.current = null;
        const finishedExists = existsSync(file);
        rmSync(part, { force: true });
        if (spawnError) {
          resolve({ fault: { code: 'TOOL_MISSING', message: `cannot run scanimage: ${spawnError.message}`, seq, continuable: false } });
          return;
        }
        if (hung) {
          const check = finishedExists ? checkPnmFile(file) : null;
          if (check?.ok) {
            // The sheet had been delivered whole; the driver only stuck on its way out.
            this.emit({ type: 'warning', code: 'SCANNER_HANG', message: `scanimage stuck after sheet ${seq}; stopped` });
            resolve({ page: pageOf(seq, file, check.header, this.profile.resolution) });
            return;
          }
          if (finishedExists) rejectFile(file);
          resolve({
            fault: { code: 'SCANNER_HANG', message: `the scanner was silent for ${watchdogMs} ms; the driver was stopped`, seq, continuable: true },
          });
          return;
        }
        if (this.cancelled) {
          if (finishedExists && code === 0) {
            // The sheet finished before the cancel arrived: keep it, it was scanned.
          } else {
            if (finishedExists) rejectFile(file);
            resolve({ cancelled: true });
            return;
          }
        }
        if (signal !== null) {
          if (finishedExists) rejectFile(file);
          resolve({
            fault: { code: 'IMAGE_CORRUPT', message: `the driver stopped mid-image (${signal}); the sheet was not kept`, seq, continuable: true, details: { signal } },
          });
          return;
        }
        if (code === 0 && finishedExists) {
          const check = checkPnmFile(file);
          if (!check.ok) {
            rejectFile(file);
            resolve({ fault: { code: 'IMAGE_CORRUPT', message: `sheet ${seq}: ${check.reason}`, seq, continuable: true } });
            return;
          }
          resolve({ page: pageOf(seq, file, check.header, this.profile.resolution) });
          return;
        }
        const reported = faultStatusOf(stderr);
        if (code === 0 && reported === null) {
          // scanimage --batch on an empty feeder exits 0 and writes nothing.
          resolve({ empty: true });
          return;
        }
        if (finishedExists) rejectFile(file);
        const sane = lastScanimageMessage(stderr);
        if (code === 7) {
          resolve({ empty: true });
          return;
        }
        if (isOpenFailure(stderr)) {
          if (/busy/i.test(sane)) {
            resolve({ fault: { code: 'DEVICE_BUSY', message: `device busy: ${sane}`, seq, continuable: true } });
            return;
          }
          void this.driver.deviceListed(this.deviceId).then((listed) => {
            const code2 = listed ? 'SCANNER_FAILED' : this.opts.midBatch || seq > this.opts.firstSeq ? 'DEVICE_VANISHED' : 'DEVICE_NOT_FOUND';
            resolve({ fault: { code: code2, message: `cannot open ${this.deviceId}: ${sane}`, seq, continuable: true, details: { sane } } });
          });
          return;
        }
        if (/setting of option .* failed/.test(stderr)) {
          resolve({ fault: { code: 'INVALID_PROFILE', message: `the device refused a setting: ${sane}`, seq, continuable: false, details: { sane } } });
          return;
        }
        // A fault the scanner reported wins over the exit code (which may be 0 after scanimage's SIGPIPE abort).
        const mapped = faultForExit(reported ?? code ?? -1);
        const saneRead = /sane_read: [^\r\n]+/.exec(stderr)?.[0];
        resolve({ fault: { code: mapped.code, message: saneRead ?? (sane || `scanimage exited ${code}`), seq, continuable: mapped.continuable, details: { exit: code, sane, status: reported } } });
      });
    });
  }
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

interface Collected {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runCollect(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Collected> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      resolve({ code: null, stdout, stderr, error: (err as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
