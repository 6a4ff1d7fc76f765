import { EventEmitter } from 'node:events';
import type { StationEvent, StationEventMap, StationEventType } from '../../common/events';
import { configureLogging, createLogger, type Logger } from '../log/logger';
import { BlobStore } from '../store/blobs';
import { openStore, type Store } from '../store/db';
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
}

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
  ) {
    this.log = createLogger('station');
  }

  static open(opts: StationOptions): Station {
    const layout = ensureDataDir(opts.dataDir);
    const lock = DataDirLock.acquire(layout.lockFile, opts.holder ?? 'station');
    try {
      configureLogging({ dir: layout.logs });
      const store = openStore(layout.dbFile);
      try {
        const blobs = new BlobStore(layout.blobs);
        blobs.cleanTmp();
        const row = ensureStation(store);
        syncCatalogue(store, opts.catalogueFile);
        const station = new Station(layout, store, blobs, row, opts.demo ?? false, lock);
        station.log.info('station opened', { dataDir: layout.root, stationId: row.id, holder: opts.holder });
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
