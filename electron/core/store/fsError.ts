import { StationError } from '../../common/errors';

/** Maps a filesystem errno to the station's codes. */
export function fsError(err: unknown, what: string): StationError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StationError('DISK_FULL', `${what}: disk full`, { errno: code }, { cause: err });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new StationError('DATA_DIR_UNWRITABLE', `${what}: not writable (${code})`, { errno: code }, { cause: err });
  return new StationError('INTERNAL', `${what}: ${(err as Error)?.message ?? String(err)}`, { errno: code }, { cause: err });
}
