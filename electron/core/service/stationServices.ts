import type { DriverRegistry } from '../../../native-bridge/registry';
import { createDriverRegistry } from '../capture/drivers';
import { CaptureService } from '../capture/service';
import { startTimestampRetry } from '../signing/service';
import { Station, type StationOptions } from '../station/station';
import { SyncEngine, type AdapterFactory } from '../sync/engine';
import { Dispatcher } from './dispatcher';

export interface StationServicesOptions {
  /** The scanner drivers; by default every registered one (capture/drivers.ts) for this platform. */
  drivers?: DriverRegistry;
  /** The province adapter factory of the sync engine (tests and province adapters). */
  syncAdapter?: AdapterFactory;
  platform?: NodeJS.Platform;
}

/**
 * Everything one open station runs: the store and blob store (in `station`), the scanner drivers, capture,
 * sync, signing and the dispatcher that serves them. Built in one place so that `sohoa serve`, the Electron
 * service process, the CLI's in-process mode and tests wire the same thing.
 */
export interface StationServices {
  readonly station: Station;
  readonly drivers: DriverRegistry;
  readonly capture: CaptureService;
  readonly sync: SyncEngine;
  readonly dispatcher: Dispatcher;
  /**
   * Starts the background work of a long-running service (`sohoa serve`, Electron): the outbox worker and
   * the document-timestamp retry. A one-shot CLI command does not start them. Both stop when the station closes.
   */
  startBackground(): void;
  /** Closes the station; every service's close hook runs first (scans cancelled, sync stopped). */
  close(): Promise<void>;
}

/** The composition root over an open station. Capture recovery (spool ingest, interrupted jobs) starts now. */
export function createStationServices(station: Station, opts: StationServicesOptions = {}): StationServices {
  const drivers =
    opts.drivers ??
    createDriverRegistry({ saneDir: station.layout.sane, demo: station.demo || process.env.SOHOA_DEMO === '1', platform: opts.platform ?? process.platform });
  const capture = new CaptureService(station, drivers);
  const sync = opts.syncAdapter ? new SyncEngine(station, opts.syncAdapter) : new SyncEngine(station);
  const dispatcher = new Dispatcher(station, { capture, sync });
  let started = false;
  return {
    station,
    drivers,
    capture,
    sync,
    dispatcher,
    startBackground() {
      if (started) return;
      started = true;
      sync.start();
      startTimestampRetry(station);
    },
    close: () => station.close(),
  };
}

/** Opens the station (data directory lock, database, blob store) and builds its services on it. */
export function openStationServices(opts: StationOptions & StationServicesOptions): StationServices {
  const station = Station.open(opts);
  try {
    return createStationServices(station, opts);
  } catch (err) {
    void station.close();
    throw err;
  }
}
