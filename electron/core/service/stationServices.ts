import type { DriverRegistry } from '../../../native-bridge/registry';
import { createDriverRegistry } from '../capture/drivers';
import { esclSettingsStore } from '../capture/esclDevices';
import { CaptureService } from '../capture/service';
import { Station, type StationOptions } from '../station/station';
import { SyncEngine, type AdapterFactory } from '../sync/engine';
import { createLogger } from '../log/logger';
import { Dispatcher } from './dispatcher';

const log = createLogger('service');

export interface StationServicesOptions {
  /** The scanner drivers; by default every registered one (capture/drivers.ts) for this platform. */
  drivers?: DriverRegistry;
  /** The province adapter factory of the sync engine (tests and province adapters). */
  syncAdapter?: AdapterFactory;
  platform?: NodeJS.Platform;
  /** Load each handler group at its first call (the CLI's one-shot in-process station starts faster). */
  lazyHandlers?: boolean;
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
    createDriverRegistry({
      saneDir: station.layout.sane,
      demo: station.demo || process.env.SOHOA_DEMO === '1',
      platform: opts.platform ?? process.platform,
      esclStore: esclSettingsStore(station),
    });
  const capture = new CaptureService(station, drivers);
  const sync = opts.syncAdapter ? new SyncEngine(station, opts.syncAdapter) : new SyncEngine(station);
  const dispatcher = new Dispatcher(station, { capture, sync }, { lazy: opts.lazyHandlers === true });
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
      let closed = false;
      station.onClose(() => {
        closed = true;
      });
      sync.start();
      // Loaded here, not at the top: the signing service brings pkijs, node-forge, pkcs11js and the mark font
      // code, which a one-shot CLI command that opens the station (sohoa dossier list) must not pay for.
      void import('../signing/service').then(
        ({ startTimestampRetry }) => {
          if (!closed) startTimestampRetry(station);
        },
        (err: unknown) => log.error('timestamp retry not started', { message: (err as Error).message }),
      );
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
