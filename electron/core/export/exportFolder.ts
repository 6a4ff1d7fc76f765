import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { StationError } from '../../common/errors';
import { isNetworkPath } from '../../common/localPath';
import type { Dossier } from '../../common/schemas';
import type { Store } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { windowsSafeName } from './windowsName';

const KEY = 'export.dir';

/**
 * The station's export folder ("Lưu hồ sơ ra thư mục" writes there with one press). The admin sets it; until then it
 * is a folder in the service account's Documents. Exported dossiers hold personal data in clear: the admin chooses a
 * folder only the counter's staff can read.
 */
export function defaultExportFolder(): string {
  return join(homedir(), 'Documents', 'SoHoa-HoSo');
}

export function exportFolder(store: Store): { dir: string; isDefault: boolean } {
  const dir = getSetting<string>(store, KEY);
  return dir ? { dir, isDefault: false } : { dir: defaultExportFolder(), isDefault: true };
}

function usable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new StationError('EXPORT_DIR_UNWRITABLE', `export folder ${dir} cannot be written (${errno})`, { dir, errno }, { cause: err });
  }
}

/** Sets the folder (absolute, local, created if missing, writable). */
export function setExportFolder(store: Store, dir: string, by: string | null): { dir: string; isDefault: boolean } {
  if (isNetworkPath(dir)) throw new StationError('PATH_NOT_LOCAL', 'the export folder must be on this computer', { dir });
  if (!isAbsolute(dir)) throw new StationError('INVALID_REQUEST', 'the export folder must be an absolute path', { dir });
  const abs = resolve(dir);
  usable(abs);
  setSetting(store, KEY, abs, by);
  return { dir: abs, isDefault: false };
}

/** A new folder per press: `<MaHoSo or draft id>_<yyyyMMdd-HHmmss>` (local time), so an earlier export is never mixed in. */
export function exportTargetFor(store: Store, d: Dossier, now: Date, utcOffsetMinutes: number): string {
  const { dir } = exportFolder(store);
  usable(dir);
  const t = new Date(now.getTime() + utcOffsetMinutes * 60_000).toISOString();
  const stamp = `${t.slice(0, 10).replaceAll('-', '')}-${t.slice(11, 19).replaceAll(':', '')}`;
  return join(dir, `${windowsSafeName(d.serverCode ?? d.id, 80)}_${stamp}`);
}
