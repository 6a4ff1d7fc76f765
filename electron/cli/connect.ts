import type { StationClient } from '../common/api';
import { StationError } from '../common/errors';
import { HttpStationClient, readBridgeInfo } from '../core/bridge/client';
import { LocalStationClient } from '../core/service/localClient';
import { openStationServices, type StationServices } from '../core/service/stationServices';
import { layout } from '../core/station/dataDir';
import { DataDirLock } from '../core/station/lock';
import { readCliSession } from './session';
import { recoveryKeyNotice } from './output';

/**
 * One writer per data directory: when a service runs (it holds the lock and wrote bridge.json) the CLI
 * talks to it over the bridge; otherwise it opens the station in-process under the same lock. Either way
 * the call carries the CLI user's session (sohoa login).
 */
export async function withClient<T>(dataDir: string, fn: (client: StationClient, mode: 'bridge' | 'local') => Promise<T>): Promise<T> {
  const l = layout(dataDir);
  // bridge.json only matters while a service holds the lock (a stale file after a crash is ignored).
  const info = DataDirLock.isHeld(l.lockFile) ? readBridgeInfo(l.bridgeFile) : undefined;
  // The CLI user's session (sohoa login): checked by the dispatcher on either path, like any transport.
  const session = readCliSession(dataDir);
  if (info) {
    return fn(new HttpStationClient(info, session), 'bridge');
  }
  let services: StationServices;
  try {
    // A one-shot command checks the audit rows since the last verified checkpoint (the service checks them all).
    services = openStationServices({ dataDir, holder: 'cli', lazyHandlers: true, auditCheck: 'checkpoint' });
  } catch (err) {
    if (err instanceof StationError && err.code === 'DATA_DIR_LOCKED' && !info) {
      throw new StationError('DATA_DIR_LOCKED', 'another station process holds the data directory and publishes no bridge', { dataDir });
    }
    throw err;
  }
  const { station } = services;
  if (station.protection.recoveryKey) process.stderr.write(`${recoveryKeyNotice(station.protection.recoveryKey)}\n`);
  try {
    return await fn(new LocalStationClient(services.dispatcher, { via: 'cli', session }), 'local');
  } finally {
    await services.close();
  }
}
