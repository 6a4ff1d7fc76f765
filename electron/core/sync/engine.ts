import { StationError, type ErrorCode } from '../../common/errors';
import { createLogger } from '../log/logger';
import type { Station } from '../station/station';
import { getDossier } from '../store/dossiers';
import {
  applyReceipt,
  clearUnconfirmedFileIds,
  documentSignatures,
  dueCommits,
  enqueueDossier,
  makeAllDue,
  markFailed,
  markInflight,
  nextDueAt,
  outboxCounts,
  type OutboxRow,
  recordFileId,
  resetInflight,
  resultForCode,
  stationAgencyCode,
  syncDocuments,
} from '../store/sync';
import { assertNoDemoSignature } from '../signing/demoCert';
import { nextLocalSeq, reserveCode, reservedCode } from '../store/dossierCodes';
import type { Credentials, DossierCodeBook, OneStopAdapter, RawExchange } from './adapter';
import { fetchCatalogue } from './catalogueFetch';
import { DvcBoAdapter } from './dvcBo';
import { DvcqgAdapter } from './dvcqg';
import { loadTargetConfig } from './targetConfig';
import { isRetryable } from './errors';
import { buildManifest } from './manifest';
import { auditHead, recordAuditAnchor } from '../store/audit';
import { purgeExpired } from './retention';
import { inWindow, msUntilWindow, retryDelay } from './schedule';
import { readCredentials, readSyncSettings, writeCredentials, type SyncSettings } from './settings';

const log = createLogger('sync');

export type SyncStateName = 'unconfigured' | 'not-enrolled' | 'paused' | 'outside-window' | 'idle' | 'syncing' | 'offline' | 'error';

export interface SyncStatus {
  state: SyncStateName;
  online: boolean | null;
  server: string | null;
  enrolled: boolean;
  paused: boolean;
  window: string | null;
  inWindow: boolean;
  pendingDossiers: number;
  failedDossiers: number;
  pendingUploads: number;
  syncedDocuments: number;
  lastErrorCode: ErrorCode | null;
  lastError: string | null;
  lastSyncAt: string | null;
  blockedUntil: string | null;
  nextAttemptAt: string | null;
}

export interface PassResult {
  synced: number;
  failed: number;
  purged: number;
}

export type AdapterFactory = (s: SyncSettings, creds: Credentials | null, station: Station) => OneStopAdapter | Promise<OneStopAdapter>;

/**
 * The adapter the settings choose (`sync.adapter`); the provincial ones keep their MaHoSo in the store.
 * Protocol v1 is imported when a pass or an enrolment first needs it: the tus client costs ≈ 0.1 s to load,
 * which every short CLI call that only touches the store (`sohoa dossier list`) would otherwise pay.
 */
const defaultFactory: AdapterFactory = async (s, creds, station) => {
  if (s.adapter === 'sohoa-v1') {
    return new (await import('./protocolV1')).ProtocolV1Adapter({
      serverUrl: s.server!,
      caFile: s.caFile,
      pinCa: s.pinCa,
      timeoutMs: s.timeoutMs,
      credentials: creds,
      bandwidthBytesPerSec: s.bandwidthKBps ? s.bandwidthKBps * 1024 : null,
    });
  }
  const { store } = station;
  const codes: DossierCodeBook = {
    get: (draftId) => reservedCode(store, draftId),
    reserve: (draftId, code) => reserveCode(store, draftId, code, s.adapter, new Date().toISOString()),
    nextLocalSeq: (agency, day, start) => nextLocalSeq(store, agency, day, start),
  };
  const cfg = loadTargetConfig(s.adapter, s.targetConfigFile);
  const opts = { serverUrl: s.server!, caFile: s.caFile, pinCa: s.pinCa, timeoutMs: s.timeoutMs, credentials: creds, codes };
  if (cfg.adapter === 'dvc-bo') return new DvcBoAdapter(cfg, opts);
  return new DvcqgAdapter(cfg, { ...opts, agencyCode: s.agencyCode ?? stationAgencyCode(store) ?? '' });
};

function asStationError(err: unknown): StationError {
  if (err instanceof StationError) return err;
  return new StationError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/**
 * The outbox worker. One dossier at a time: look it up by draft id (a commit whose reply was lost is
 * found here), make sure every document is on the server (by-hash, else tus upload), commit the
 * manifest, apply the receipt. Every step is idempotent and every transition a committed row, so a
 * killed process resumes where it was and nothing is sent twice.
 */
export class SyncEngine {
  /** stop() was called (the station is closing): passes end early, the loop exits. */
  private stopped = false;
  private started = false;
  private loopDone: Promise<void> | null = null;
  private pass: Promise<PassResult> | null = null;
  private wake: (() => void) | null = null;
  private adapter: OneStopAdapter | null = null;
  private adapterKey = '';
  private state: SyncStateName = 'idle';
  private online: boolean | null = null;
  private blockedUntil = 0;
  private offlineStreak = 0;
  private lastSyncAt: string | null = null;
  private lastError: { code: ErrorCode; message: string } | null = null;

  constructor(
    private readonly station: Station,
    private readonly factory: AdapterFactory = defaultFactory,
  ) {
    station.onClose(() => this.stop());
  }

  /** Starts the background loop (the service does; a one-shot CLI uses runPass()). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const n = resetInflight(this.station.store, new Date().toISOString());
    if (n > 0) log.info('outbox rows resumed after restart', { rows: n });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone?.catch(() => undefined);
    await this.pass?.catch(() => undefined);
    this.adapter?.close();
    this.adapter = null;
  }

  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** Wake the loop now (a dossier was queued, settings changed, `sync now`). */
  kick(): void {
    this.wake?.();
  }

  /** `sync now`: everything due now, the offline/rate-limit block lifted, one pass. */
  async syncNow(): Promise<PassResult> {
    makeAllDue(this.station.store, new Date().toISOString());
    this.blockedUntil = 0;
    return this.runPass();
  }

  queueDossier(dossierId: string): void {
    enqueueDossier(this.station.store, dossierId, new Date().toISOString());
    this.kick();
  }

  async enrol(enrolmentCode: string, by: string | null): Promise<Credentials> {
    const s = readSyncSettings(this.station.store);
    if (!s.server) throw new StationError('INVALID_REQUEST', 'configure the sync server first (sync.configure server=…)');
    const adapter = await this.factory(s, null, this.station);
    try {
      const creds = await adapter.enrol(enrolmentCode, { id: this.station.row.id, name: this.station.row.name });
      writeCredentials(this.station.store, s.server, creds, by);
      this.online = true;
      this.emitState();
      this.kick();
      return creds;
    } finally {
      adapter.close();
    }
  }

  /** `sync test`: authenticate and make one harmless call with a fresh adapter; the raw replies for IT staff. */
  async test(): Promise<{ adapter: string; ok: boolean; errorCode: string | null; error: string | null; exchanges: RawExchange[] }> {
    const s = readSyncSettings(this.station.store);
    if (!s.server) throw new StationError('INVALID_REQUEST', 'configure the sync server first (sync.configure server=…)');
    const adapter = await this.factory(s, readCredentials(this.station.store), this.station);
    try {
      return { adapter: adapter.protocol, ok: true, errorCode: null, error: null, exchanges: await adapter.test() };
    } catch (err) {
      const e = asStationError(err);
      const exchange = typeof e.details?.serverMessage === 'string' && e.details.serverMessage
        ? [{ request: String(e.details.path ?? e.details.service ?? ''), status: Number(e.details.status ?? 0), correlationId: (e.details.correlationId as string | null) ?? null, body: e.details.serverMessage }]
        : [];
      return { adapter: adapter.protocol, ok: false, errorCode: e.code, error: e.message, exchanges: exchange };
    } finally {
      adapter.close();
    }
  }

  /**
   * Runs FN with a fresh adapter of the configured target and the stored credentials (the reuse look-up);
   * null when no server is configured. The outbox worker's adapter is not shared: a look-up never waits on a pass.
   */
  async withAdapter<T>(fn: (adapter: OneStopAdapter) => Promise<T>): Promise<T | null> {
    const s = readSyncSettings(this.station.store);
    if (!s.server) return null;
    const adapter = await this.factory(s, readCredentials(this.station.store), this.station);
    try {
      return await fn(adapter);
    } finally {
      adapter.close();
    }
  }

  /** Loads the official catalogue from the configured target (`sohoa catalogue fetch`). */
  async fetchCatalogue(by: string | null): Promise<Awaited<ReturnType<typeof fetchCatalogue>>> {
    const s = readSyncSettings(this.station.store);
    if (!s.server) throw new StationError('INVALID_REQUEST', 'configure the sync server first (sync.configure server=…)');
    const adapter = await this.factory(s, readCredentials(this.station.store), this.station);
    try {
      return await fetchCatalogue(this.station, adapter, s.server, by);
    } finally {
      adapter.close();
    }
  }

  status(): SyncStatus {
    const s = readSyncSettings(this.station.store);
    const c = outboxCounts(this.station.store);
    const now = new Date();
    const lastCode = (this.lastError?.code ?? c.lastErrorCode) as ErrorCode | null;
    return {
      state: this.currentState(s, now),
      online: this.online,
      server: s.server,
      enrolled: readCredentials(this.station.store) !== null,
      paused: s.paused,
      window: s.window,
      inWindow: inWindow(s.window, now, s.utcOffsetMinutes),
      pendingDossiers: c.pendingDossiers,
      failedDossiers: c.failedDossiers,
      pendingUploads: c.pendingUploads,
      syncedDocuments: c.syncedDocuments,
      lastErrorCode: lastCode,
      lastError: this.lastError?.message ?? c.lastError,
      lastSyncAt: this.lastSyncAt,
      blockedUntil: this.blockedUntil > now.getTime() ? new Date(this.blockedUntil).toISOString() : null,
      nextAttemptAt: nextDueAt(this.station.store),
    };
  }

  private currentState(s: SyncSettings, now: Date): SyncStateName {
    if (!s.server) return 'unconfigured';
    if (!readCredentials(this.station.store)) return 'not-enrolled';
    if (s.paused) return 'paused';
    if (!inWindow(s.window, now, s.utcOffsetMinutes)) return 'outside-window';
    return this.state;
  }

  private setState(state: SyncStateName): void {
    if (state === this.state) return;
    this.state = state;
    this.emitState();
  }

  private emitState(): void {
    const st = this.status();
    this.station.emit('sync.state', {
      state: st.state,
      online: st.online,
      pendingDossiers: st.pendingDossiers,
      failedDossiers: st.failedDossiers,
      lastErrorCode: st.lastErrorCode,
    });
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.emitState();
  }

  /** Runs one pass (or joins the one already running). */
  runPass(): Promise<PassResult> {
    this.pass ??= this.doPass().finally(() => (this.pass = null));
    return this.pass;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.runPass();
      } catch (err) {
        log.error('sync pass crashed', { err: (err as Error).message });
      }
      if (this.stopped) break;
      await this.sleep(this.sleepMs());
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private sleepMs(): number {
    const s = readSyncSettings(this.station.store);
    const now = Date.now();
    let wait = s.pollMs;
    if (!s.server || s.paused || !readCredentials(this.station.store)) return wait;
    const untilWindow = msUntilWindow(s.window, new Date(now), s.utcOffsetMinutes);
    if (untilWindow > 0) return Math.min(untilWindow, 60 * 60_000);
    const due = nextDueAt(this.station.store);
    if (due !== null) wait = Math.min(wait, Date.parse(due) - now);
    if (this.blockedUntil > now) wait = Math.max(wait, this.blockedUntil - now);
    return Math.max(25, wait);
  }

  private async getAdapter(s: SyncSettings, creds: Credentials): Promise<OneStopAdapter> {
    const key = JSON.stringify([s.adapter, s.targetConfigFile, s.pinCa, s.server, s.caFile, s.timeoutMs, s.bandwidthKBps, s.agencyCode, creds]);
    if (!this.adapter || key !== this.adapterKey) {
      this.adapter?.close();
      this.adapter = await this.factory(s, creds, this.station);
      this.adapterKey = key;
    }
    return this.adapter;
  }

  /**
   * One pass, in named steps: may a pass run now (and if not, the state saying why), the adapter, the
   * outbox drained by `concurrency` workers, a reachability probe when there was nothing to send, the
   * retention purge, and the state the pass ends in.
   */
  private async doPass(): Promise<PassResult> {
    const result: PassResult = { synced: 0, failed: 0, purged: 0 };
    const ready = this.passReady();
    if (!ready) return result;
    const adapter = await this.openAdapter(ready.settings, ready.creds);
    if (!adapter) return result;
    const progress = await this.drainOutbox(adapter, ready.settings, ready.agencyCode, result);
    if (!progress.worked) await this.probeServer(adapter);
    result.purged = this.purgeRetention(ready.settings);
    this.setState(this.online === false ? 'offline' : this.lastError ? 'error' : 'idle');
    return result;
  }

  /** The settings of a pass that may run now; otherwise null, after setting the state that says why. */
  private passReady(): { settings: SyncSettings; creds: Credentials; agencyCode: string | null } | null {
    const { store } = this.station;
    const s = readSyncSettings(store);
    const creds = readCredentials(store);
    if (!s.server) return (this.setState('unconfigured'), null);
    if (!creds) return (this.setState('not-enrolled'), null);
    if (s.paused) return (this.setState('paused'), null);
    if (!inWindow(s.window, new Date(), s.utcOffsetMinutes)) return (this.setState('outside-window'), null);
    // Offline, rate limited or refused: wait out the backoff without a state change.
    if (Date.now() < this.blockedUntil) return null;
    return { settings: s, creds, agencyCode: s.agencyCode ?? stationAgencyCode(store) };
  }

  /** The adapter for this pass, or null (state `error` with the reason) when it cannot be built. */
  private async openAdapter(s: SyncSettings, creds: Credentials): Promise<OneStopAdapter | null> {
    try {
      return await this.getAdapter(s, creds);
    } catch (err) {
      const e = asStationError(err);
      this.lastError = { code: e.code, message: e.message };
      this.setState('error');
      return null;
    }
  }

  /**
   * Sends due dossiers with `concurrency` workers until the outbox has none due, the station pauses or
   * leaves its window, or a failure halts the pass (offline, rate limited, TLS, authentication).
   */
  private async drainOutbox(adapter: OneStopAdapter, s: SyncSettings, agencyCode: string | null, result: PassResult): Promise<{ worked: boolean }> {
    const progress = { worked: false, halt: false };
    const worker = async (): Promise<void> => {
      while (!this.stopped && !progress.halt) {
        const row = this.takeNextDue(s);
        if (!row) return;
        if (!progress.worked) this.setState('syncing');
        progress.worked = true;
        try {
          if (!agencyCode) throw new StationError('INVALID_REQUEST', 'the agency code (mã định danh) is not configured: sync.configure agencyCode=…');
          await this.syncDossier(adapter, row.dossier_id, agencyCode);
          result.synced++;
          this.recordSent();
        } catch (err) {
          result.failed++;
          if (this.recordFailure(row, asStationError(err), s) === 'halt') {
            progress.halt = true;
            return;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, s.concurrency) }, () => worker()));
    return { worked: progress.worked };
  }

  /** The next due outbox row, marked in flight; none while paused or outside the window. */
  private takeNextDue(s: SyncSettings): OutboxRow | undefined {
    const { store } = this.station;
    if (readSyncSettings(store).paused) return undefined;
    if (!inWindow(s.window, new Date(), s.utcOffsetMinutes)) return undefined;
    // Select and mark in the same tick (better-sqlite3 is synchronous): no two workers share a row.
    const row = dueCommits(store, new Date().toISOString(), 1)[0];
    if (row) markInflight(store, row.id, new Date().toISOString());
    return row;
  }

  private recordSent(): void {
    this.offlineStreak = 0;
    this.lastError = null;
    this.lastSyncAt = new Date().toISOString();
    this.setOnline(true);
  }

  /**
   * Stores a failed attempt with its next attempt time (backoff, or the permanent delay for a fault no retry
   * can fix) and decides whether the rest of the pass must stop: offline, rate limited, TLS or
   * authentication faults hold for every dossier, so the other workers take no more.
   */
  private recordFailure(row: OutboxRow, e: StationError, s: SyncSettings): 'halt' | 'continue' {
    const retryable = isRetryable(e.code);
    const attempts = row.attempts + 1;
    const ra = typeof e.details?.retryAfterMs === 'number' ? e.details.retryAfterMs : undefined;
    const delay = retryable ? retryDelay(attempts, s.backoff, ra) : s.backoff.permanentMs;
    const at = new Date();
    markFailed(this.station.store, row.id, { code: e.code, message: e.message, nextAttemptAt: new Date(at.getTime() + delay).toISOString(), permanent: !retryable, at: at.toISOString() });
    this.lastError = { code: e.code, message: e.message };
    log.warn('dossier sync failed', { dossierId: row.dossier_id, code: e.code, message: e.message, attempts, retryInMs: delay });
    if (e.code === 'OFFLINE') {
      this.offlineStreak++;
      this.blockedUntil = Math.max(this.blockedUntil, Date.now() + retryDelay(this.offlineStreak, s.backoff));
      this.setOnline(false);
      return 'halt';
    }
    if (e.code !== 'TLS_UNTRUSTED') this.setOnline(true);
    if (e.code === 'SERVER_RATE_LIMITED' || e.code === 'TLS_UNTRUSTED' || e.code === 'SERVER_AUTH_FAILED') {
      this.blockedUntil = Math.max(this.blockedUntil, Date.now() + delay);
      return 'halt';
    }
    return 'continue';
  }

  /** Nothing was sent: still tell the UI whether the server is reachable. */
  private async probeServer(adapter: OneStopAdapter): Promise<void> {
    if (this.online === true || this.stopped) return;
    try {
      await adapter.ping();
      this.setOnline(true);
    } catch (err) {
      const e = asStationError(err);
      if (e.code === 'OFFLINE') this.setOnline(false);
      else if (e.code === 'TLS_UNTRUSTED') this.lastError = { code: e.code, message: e.message };
    }
  }

  /** Documents past retention removed this pass (a failed purge is logged and retried next pass). */
  private purgeRetention(s: SyncSettings): number {
    try {
      return purgeExpired(this.station, s.retentionDays).documents;
    } catch (err) {
      log.error('retention purge failed', { err: (err as Error).message });
      return 0;
    }
  }

  /**
   * One protocol call with a few quick retries for transient faults (a 5xx, a garbled or lost reply, a
   * torn upload, a short 429): every call is safe to repeat (GETs, tus resumes, the idempotent commit), and
   * retrying the call is far cheaper than failing the dossier round. OFFLINE and TLS go straight up.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const { backoff } = readSyncSettings(this.station.store);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = asStationError(err);
        const quick = ['SERVER_ERROR', 'SERVER_REPLY_MALFORMED', 'HASH_MISMATCH', 'SERVER_AUTH_FAILED', 'SERVER_RATE_LIMITED'].includes(e.code);
        const ra = typeof e.details?.retryAfterMs === 'number' ? e.details.retryAfterMs : undefined;
        if (!quick || attempt >= 4 || this.stopped || (ra !== undefined && ra > 5_000)) throw e;
        await new Promise((r) => setTimeout(r, retryDelay(attempt, { baseMs: backoff.baseMs, maxMs: Math.min(backoff.maxMs, 5_000) }, ra)));
      }
    }
  }

  private async syncDossier(adapter: OneStopAdapter, dossierId: string, agencyCode: string): Promise<void> {
    const { store, blobs } = this.station;
    const dossier = getDossier(store, dossierId);
    if (!dossier) throw new StationError('NOT_FOUND', `dossier ${dossierId} vanished from the outbox`);
    // A demo signature has no legal value: such a dossier never reaches a one-stop system.
    assertNoDemoSignature(this.station, dossierId);
    // 1. Look up first: a commit whose reply was lost (or a previous life of this process) is found here.
    const known = await this.call(() => adapter.findDossier(dossierId));
    if (known) {
      const r = applyReceipt(store, dossierId, known, 'lookup', new Date().toISOString());
      if (r.complete) return this.synced(dossierId, r.dossierCode);
    }
    const onServer = new Set(known?.files.map((f) => f.sha256) ?? []);
    // 2. Files first, each referenced by the server's id: ask by hash, upload only what it lacks.
    for (const d of syncDocuments(store, dossierId)) {
      if (d.synced_at !== null || onServer.has(d.sha256) || d.file_id !== null) continue;
      const remote = await this.call(async () => {
        const found = await adapter.findFile(d.sha256);
        if (found) return found;
        const data = blobs.get(d.sha256, { verify: true });
        return adapter.uploadFile({ sha256: d.sha256, size: data.length, fileName: d.file_name ?? `${d.document_id}.pdf`, data });
      });
      if (remote.sha256 !== d.sha256) throw new StationError('HASH_MISMATCH', `server file ${remote.fileId} has another hash`, { fileId: remote.fileId });
      recordFileId(store, d.document_id, d.sha256, remote.fileId, new Date().toISOString());
    }
    // 3. Commit the manifest (all documents, including those a former receipt already listed).
    const knownIds = new Map(known?.files.map((f) => [f.sha256, f.fileId]) ?? []);
    const docs = syncDocuments(store, dossierId).map((d) => {
      const fileId = d.file_id ?? knownIds.get(d.sha256);
      if (!fileId) throw new StationError('INTERNAL', `document ${d.document_id} has no server file id`);
      return {
        componentId: d.component_id,
        documentId: d.document_id,
        sha256: d.sha256,
        fileId,
        fileName: d.file_name,
        pageCount: d.page_count,
        pdfaLevel: d.pdfa_level,
        signatures: documentSignatures(store, d.document_id),
      };
    });
    const manifest = buildManifest(dossier, docs, agencyCode, resultForCode(store, dossierId));
    // Only sohoa-v1 has a field for the access-log head (the anchor against a cut tail).
    const head = adapter.protocol === 'sohoa-v1' ? auditHead(store) : null;
    if (head) manifest.auditHead = head;
    let reply;
    try {
      reply = await this.call(() => adapter.commit(manifest));
    } catch (err) {
      // A rejected manifest may name file ids the server no longer knows: ask by hash again next time.
      if (err instanceof StationError && err.code === 'SERVER_REJECTED') clearUnconfirmedFileIds(store, dossierId);
      throw err;
    }
    // The server answered the commit: it holds this head now (a 409 answer has validated and kept it too).
    if (head) recordAuditAnchor(store, head);
    const r = applyReceipt(store, dossierId, reply.receipt, reply.via, new Date().toISOString());
    if (!r.complete) {
      throw new StationError('SERVER_ERROR', `receipt for ${dossierId} does not list ${r.missing.length} document(s)`, { missing: r.missing });
    }
    this.synced(dossierId, r.dossierCode);
  }

  private synced(dossierId: string, code: string): void {
    log.info('dossier synced', { dossierId, dossierCode: code });
    this.station.emit('dossier.changed', { id: dossierId, serverCode: code, state: 'synced' });
  }
}
