import { join } from 'node:path';
import { silentLogger, type DriverLogger } from '../types';
import { TwainDriver, winePath, type TwainHelper } from './twain/driver';
import { WiaDriver, wiaHelperCommand } from './wia/driver';

import { windowsHelpersDir } from './helpersDir';

export { DEFAULT_HELPERS_DIR } from './helpersDir';

export interface WindowsDriverSetup {
  platform: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  log?: DriverLogger;
}

const helpersDir = windowsHelpersDir;

/**
 * The TWAIN driver for this machine. Windows: the 32- and 64-bit helpers (a process loads only sources of its
 * own bitness). Linux: the TWAIN test rig only — SOHOA_TWAIN_WINEPREFIX names a Wine prefix holding a data
 * source (c:\windows\twain_64\sane.ds) and the 64-bit helper runs under `wine`; SOHOA_TWAIN_TEST_DS is handed
 * to the project's test data source as TWAIN_TEST_DS (its feeder file). Elsewhere it is registered but
 * unavailable, with the reason.
 */
export function twainDriver(setup: WindowsDriverSetup): TwainDriver {
  const env = setup.env ?? process.env;
  const log = setup.log ?? silentLogger;
  const dir = helpersDir(env);
  if (setup.platform === 'win32') {
    const helpers: TwainHelper[] = (['x86', 'x64'] as const).map((arch) => {
      const exe = join(dir, `sohoa-twain-${arch}.exe`);
      return { arch, exe, command: { cmd: exe, args: [] } };
    });
    return new TwainDriver({ helpers, log });
  }
  const prefix = env.SOHOA_TWAIN_WINEPREFIX;
  if (prefix) {
    const exe = join(dir, 'sohoa-twain-x64.exe');
    const helper: TwainHelper = {
      arch: 'x64',
      exe,
      command: { cmd: 'wine', args: [exe], env: { WINEPREFIX: prefix, WINEDEBUG: '-all', TWAIN_TEST_DS: env.SOHOA_TWAIN_TEST_DS } },
    };
    return new TwainDriver({ helpers: [helper], helperPath: winePath, log });
  }
  return new TwainDriver({ helpers: [], log, unavailable: 'TWAIN runs on Windows only (tests: under Wine with SOHOA_TWAIN_WINEPREFIX)' });
}

/** The WIA driver: PowerShell + WIA Automation on Windows; registered but unavailable elsewhere. */
export function wiaDriver(setup: WindowsDriverSetup): WiaDriver {
  const env = setup.env ?? process.env;
  return new WiaDriver({
    command: wiaHelperCommand(helpersDir(env)),
    log: setup.log ?? silentLogger,
    ...(setup.platform === 'win32' ? {} : { unavailable: 'WIA runs on Windows only' }),
  });
}
