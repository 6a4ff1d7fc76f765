import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type DriverLogger, type ScannerDriver } from '../types';
import { TwainDriver, winePath, type TwainHelper } from './twain/driver';
import { WiaDriver, wiaHelperCommand } from './wia/driver';

/** Where build.sh puts the helpers (the installer copies them beside the app: SOHOA_WINDOWS_HELPERS_DIR). */
export const DEFAULT_HELPERS_DIR = fileURLToPath(new URL('../../build/windows/', import.meta.url));

export interface WindowsDriverSetup {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  log?: DriverLogger;
}

/**
 * The TWAIN and WIA drivers for this machine. On Windows both (TWAIN with its 32- and 64-bit helpers). On
 * Linux none — except the TWAIN test rig: SOHOA_TWAIN_WINEPREFIX names a Wine prefix holding a data source
 * (c:\windows\twain_64\sane.ds) and the 64-bit helper runs under `wine`; SOHOA_TWAIN_TEST_DS is handed to the
 * project's test data source as TWAIN_TEST_DS (its feeder file).
 */
export function windowsDrivers(setup: WindowsDriverSetup = {}): ScannerDriver[] {
  const platform = setup.platform ?? process.platform;
  const env = setup.env ?? process.env;
  const log = setup.log ?? silentLogger;
  const dir = env.SOHOA_WINDOWS_HELPERS_DIR ?? DEFAULT_HELPERS_DIR;
  if (platform === 'win32') {
    const helpers: TwainHelper[] = (['x86', 'x64'] as const).map((arch) => {
      const exe = join(dir, `sohoa-twain-${arch}.exe`);
      return { arch, exe, command: { cmd: exe, args: [] } };
    });
    return [new TwainDriver({ helpers, log }), new WiaDriver({ command: wiaHelperCommand(dir), log })];
  }
  const prefix = env.SOHOA_TWAIN_WINEPREFIX;
  if (prefix) {
    const exe = join(dir, 'sohoa-twain-x64.exe');
    const helper: TwainHelper = {
      arch: 'x64',
      exe,
      command: { cmd: 'wine', args: [exe], env: { WINEPREFIX: prefix, WINEDEBUG: '-all', TWAIN_TEST_DS: env.SOHOA_TWAIN_TEST_DS } },
    };
    return [new TwainDriver({ helpers: [helper], helperPath: winePath, log })];
  }
  return [];
}
