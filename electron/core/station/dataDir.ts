import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import { fsError } from '../store/fsError';

/**
 * One data directory per machine, shared by the clerks of that PC:
 *   SOHOA_DATA_DIR if set; Windows %ProgramData%\SoHoa Station (the installer sets its ACL);
 *   Linux /var/lib/sohoa-station when installed (the package creates it), else ~/.local/share/sohoa-station.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SOHOA_DATA_DIR) return env.SOHOA_DATA_DIR;
  // win32.join: a Windows path even when the platform is injected on another OS (tests).
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'SoHoa Station');
  try {
    accessSync('/var/lib/sohoa-station', constants.W_OK);
    return '/var/lib/sohoa-station';
  } catch {
    const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
    return join(xdg, 'sohoa-station');
  }
}

export interface DataDirLayout {
  root: string;
  dbFile: string;
  lockFile: string;
  bridgeFile: string;
  blobs: string;
  spool: string;
  logs: string;
  sane: string;
  tmp: string;
}

export function layout(root: string): DataDirLayout {
  return {
    root,
    dbFile: join(root, 'station.db'),
    lockFile: join(root, 'station.lock'),
    bridgeFile: join(root, 'bridge.json'),
    blobs: join(root, 'blobs'),
    spool: join(root, 'spool'),
    logs: join(root, 'logs'),
    sane: join(root, 'sane'),
    tmp: join(root, 'tmp'),
  };
}

/** Creates the data directory with owner-only permissions (0700) and checks it is writable. */
export function ensureDataDir(root: string): DataDirLayout {
  const l = layout(root);
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    accessSync(root, constants.W_OK);
  } catch (err) {
    throw fsError(err, `data directory ${root}`);
  }
  return l;
}

export function freeBytes(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}
