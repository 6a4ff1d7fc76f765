import { EsclDriver, memoryDeviceStore, type EsclDeviceStore } from '../../../native-bridge/escl/driver';
import { DriverRegistry } from '../../../native-bridge/registry';
import { backendsFromEnv, writeSaneConfig } from '../../../native-bridge/sane/config';
import { SaneDriver } from '../../../native-bridge/sane/driver';
import type { ScannerDriver } from '../../../native-bridge/types';
import { twainDriver, wiaDriver } from '../../../native-bridge/windows/drivers';
import { createLogger } from '../log/logger';
import { browseEscl, esclDiscoveryOn } from './esclDevices';

export interface DriverContext {
  /** Where the SANE configuration is written (`<dataDir>/sane`); null to write nothing (`sohoa doctor`). */
  saneDir: string | null;
  /** Demo mode: the SANE test scanner is offered. */
  demo: boolean;
  platform: NodeJS.Platform;
  /** Where eSCL scanners added by IT staff are kept (the station's settings); null: in memory only. */
  esclStore?: EsclDeviceStore | null;
}

export type DriverFactory = (ctx: DriverContext) => ScannerDriver;

const sane: DriverFactory = (ctx) => {
  if (ctx.saneDir === null) return new SaneDriver({ env: {}, log: createLogger('sane') });
  const backends = backendsFromEnv();
  const { env } = writeSaneConfig({ dir: ctx.saneDir, demo: ctx.demo, ...(backends ? { backends } : {}) });
  return new SaneDriver({ env, log: createLogger('sane') });
};

const escl: DriverFactory = (ctx) =>
  new EsclDriver({ store: ctx.esclStore ?? memoryDeviceStore(), log: createLogger('escl'), ...(esclDiscoveryOn() ? { browse: browseEscl } : {}) });

/**
 * Every scanner technology the station knows, in the order their devices are listed. Registering a driver
 * is one line here; each reports itself whether it can run on this platform (`available()`).
 */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [
  sane,
  escl,
  (ctx) => wiaDriver({ platform: ctx.platform, log: createLogger('wia') }),
  (ctx) => twainDriver({ platform: ctx.platform, log: createLogger('twain') }),
];

export function createDriverRegistry(ctx: DriverContext, factories: readonly DriverFactory[] = DRIVER_FACTORIES): DriverRegistry {
  return new DriverRegistry(factories.map((f) => f(ctx)));
}
