import { afterEach } from 'vitest';
import { startEsclScanner, type EsclScanner, type EsclScannerOptions } from '../../escl-scanner/server';
import { signedInClient } from '../../helpers/session';
import { openDemoStation, type DemoStation } from './harness';

process.env.SOHOA_ESCL_DISCOVERY = '0';

export interface EsclStation {
  s: DemoStation;
  scanner: EsclScanner;
  /** The virtual scanner's device id, added by an admin (a network scanner is an admin's setting). */
  deviceId: string;
}

/**
 * A demo station in this process with the virtual eSCL scanner added, for one test: call at the top of a test
 * file; `open()` in a test starts both, and both are closed after each test.
 */
export function esclStations(): { open(o: EsclScannerOptions, station?: DemoStation): Promise<EsclStation> } {
  let station: DemoStation | undefined;
  let scanner: EsclScanner | undefined;
  afterEach(async () => {
    await station?.close();
    station = undefined;
    await scanner?.close();
    scanner = undefined;
  });
  return {
    async open(o, existing) {
      scanner = await startEsclScanner(o);
      station = existing ?? (await openDemoStation());
      const admin = await signedInClient(station.station, station.dispatcher, 'admin');
      const added = await admin.call('devices.addEscl', { url: scanner.url });
      if (!added.ok) throw new Error(JSON.stringify(added.error));
      return { s: station, scanner, deviceId: added.value.id };
    },
  };
}
