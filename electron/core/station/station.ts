import { EventEmitter } from 'node:events';
import type { StationEvent, StationEventMap, StationEventType } from '../../common/events';
import { configureLogging, createLogger, type Logger } from '../log/logger';
import { rmSync } from 'node:fs';
import { sweepStaleTempDirs } from '../../../native-bridge/process/privateTemp';
import { loadOrCreateKeys, type KeyContext, type KeySource } from '../security/keys';
import { attachAuditKey, checkAuditChain } from '../store/audit';
import { BlobStore } from '../store/blobs';
import { isEncryptedDatabase, openStore, type Store } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { ensureStation, type StationRow } from '../store/stationRow';
import { syncCatalogue } from './catalogue';
import { ensureDataDir, type DataDirLayout } from './dataDir';
import { DataDirLock } from './lock';

export interface StationOptions {
  dataDir: string;
  /** Demo mode: the SANE test scanner is offered when no real scanner answers. */
  demo?: boolean;
  /** Who holds the lock: 'serve', 'cli', 'test'. */
  holder?: string;
  catalogueFile?: string;
  /**
   * Where the key comes from (tests inject the platform or DPAPI). `null`: no encryption — only for tests
   * that build a station of the earlier, plaintext kind to migrate it.
   */
  keys?: KeyContext | null;
  /**
   * How much of the audit chain the open verifies: all of it (default: the service, tests), or the rows after
   * the last verified checkpoint (`checkpoint`: a one-shot CLI command; store/audit.ts).
   */
  auditCheck?: 'full' | 'checkpoint';
}

/** What the station knows of its protection at rest, for `doctor` and the admin. */
export interface ProtectionState {
  encrypted: boolean;
  keySource: KeySource | null;
  /** The admin recovery key, only in the process that created the key (shown once, never stored). */
  recoveryKey?: string;
  /** First audit seq whose link fails (AUDIT_CHAIN_BROKEN), or null. */
  auditBrokenAt: number | null;
  /** AUDIT_LOG_TRUNCATED: the anchored seq the chain no longer reaches (its tail was cut), or null. */
  auditTruncatedAt: number | null;
}

const BLOBS_ENCRYPTED = 'blobs.encrypted';

/**
 * One open station: the data directory under its exclusive lock, the database and the blob store.
 * Subsystems (scanning, sync, …) attach to it through `onClose` and emit on `events`.
 */
export class Station {
  readonly events = new EventEmitter();
  readonly log: Logger;
  private readonly closers: (() => void | Promise<void>)[] = [];
  private closed = false;

  private constructor(
    readonly layout: DataDirLayout,
    readonly store: Store,
    readonly blobs: BlobStore,
    readonly row: StationRow,
    readonly demo: boolean,
    private readonly lock: DataDirLock,
    readonly protection: ProtectionState,
  ) {
    this.log = createLogger('station');
  }

  static open(opts: StationOptions): Station {
    const layout = ensureDataDir(opts.dataDir);
    const lock = DataDirLock.acquire(layout.lockFile, opts.holder ?? 'station');
    try {
      configureLogging({ dir: layout.logs });
      // Private working files of the tools (Ghostscript, qpdf, PDFBox, the signer) hold plaintext: a crash
      // may leave some, so the folder is emptied before anything else runs.
      rmSync(layout.tmp, { recursive: true, force: true });
      // The same for the tools' folders in the OS temp folder (Preflight, uploads, OCR): those of a process
      // that is gone (a crash or kill -9 mid-run).
      const swept = sweepStaleTempDirs();
      if (swept.length > 0) createLogger('station').info('stale tool temp folders removed', { count: swept.length });
      const keys = opts.keys === null ? null : loadOrCreateKeys(layout.root, isEncryptedDatabase(layout.dbFile), opts.keys ?? {});
      const store = openStore(layout.dbFile, { key: keys?.db ?? null });
      try {
        const blobs = new BlobStore(layout.blobs, keys?.blobs ?? null);
        blobs.cleanTmp();
        const log = createLogger('station');
        if (keys && getSetting<boolean>(store, BLOBS_ENCRYPTED) !== true) {
          const n = blobs.encryptExisting();
          setSetting(store, BLOBS_ENCRYPTED, true);
          if (n > 0) log.info('blobs encrypted in place', { count: n });
        }
        let auditBrokenAt: number | null = null;
        let auditTruncatedAt: number | null = null;
        if (keys) {
          attachAuditKey(store, keys.audit);
          const check = checkAuditChain(store, keys.audit, { record: true, ...(opts.auditCheck === 'checkpoint' ? { since: 'checkpoint' } : {}) });
          auditBrokenAt = check.brokenAt;
          auditTruncatedAt = check.truncatedAt;
          if (auditBrokenAt !== null) log.error('AUDIT_CHAIN_BROKEN: the access log was changed outside the station', { seq: auditBrokenAt });
          if (auditTruncatedAt !== null) {
            log.error('AUDIT_LOG_TRUNCATED: the access log ends before the head the one-stop server acknowledged', { anchoredSeq: auditTruncatedAt, rows: check.rows });
          }
        }
        const row = ensureStation(store);
        syncCatalogue(store, opts.catalogueFile);
        const protection: ProtectionState = { encrypted: keys !== null, keySource: keys?.source ?? null, recoveryKey: keys?.recoveryKey, auditBrokenAt, auditTruncatedAt };
        const station = new Station(layout, store, blobs, row, opts.demo ?? false, lock, protection);
        station.log.info('station opened', { dataDir: layout.root, stationId: row.id, holder: opts.holder, keySource: keys?.source.kind ?? 'none' });
        return station;
      } catch (err) {
        store.close();
        throw err;
      }
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** Publishes an event; only those declared in common/events.ts, with their data shape. */
  emit<K extends StationEventType>(type: K, data: StationEventMap[K]): void {
    const ev = { type, at: new Date().toISOString(), data } as StationEvent;
    this.events.emit('event', ev);
  }

  onClose(fn: () => void | Promise<void>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closers.reverse()) {
      try {
        await fn();
      } catch (err) {
        this.log.error('close hook failed', { err });
      }
    }
    this.store.close();
    this.lock.release();
    this.log.info('station closed');
  }
}
