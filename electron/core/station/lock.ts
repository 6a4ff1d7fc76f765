import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync, writeFileSync } from 'node:fs';
import { StationError } from '../../common/errors';
import { fsError } from './dataDir';

/**
 * The one-writer lock on a data directory. It is an OS file lock (SQLite's fcntl lock on `station.lock`,
 * taken with locking_mode=EXCLUSIVE and an open EXCLUSIVE transaction), so the kernel releases it when the
 * holder dies — a `kill -9` never leaves a stale lock behind, unlike a pid file.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly infoFile: string,
  ) {}

  static acquire(lockFile: string, holder: string): DataDirLock {
    let db: Database.Database;
    try {
      db = new Database(lockFile, { timeout: 0 });
    } catch (err) {
      throw fsError(err, `lock file ${lockFile}`);
    }
    try {
      db.pragma('journal_mode = DELETE');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      db.close();
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new StationError('DATA_DIR_LOCKED', `another process holds ${lockFile}`, { lockFile });
      }
      if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR_WRITE')
        throw new StationError('DATA_DIR_UNWRITABLE', `cannot lock ${lockFile}: ${code}`, { lockFile });
      if (code === 'SQLITE_FULL') throw new StationError('DISK_FULL', `cannot lock ${lockFile}: disk full`);
      throw new StationError('INTERNAL', `cannot lock ${lockFile}: ${(err as Error).message}`);
    }
    const infoFile = `${lockFile}.json`;
    try {
      writeFileSync(infoFile, JSON.stringify({ pid: process.pid, holder, since: new Date().toISOString() }), { mode: 0o600 });
    } catch {
      // informational only
    }
    return new DataDirLock(db, infoFile);
  }

  /** True when some live process holds the lock (probes without keeping it). */
  static isHeld(lockFile: string): boolean {
    try {
      const probe = DataDirLock.acquire(lockFile, 'probe');
      probe.release();
      return false;
    } catch (err) {
      if (err instanceof StationError && err.code === 'DATA_DIR_LOCKED') return true;
      return false;
    }
  }

  release(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      /* already released */
    }
    this.db.close();
    rmSync(this.infoFile, { force: true });
  }
}
