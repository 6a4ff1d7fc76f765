import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { codeSchemaVersion, loadMigrations, type Migration } from './migrations';
import type { Sql } from './sql';

const log = createLogger('store');

/** 'SHOA' — PRAGMA application_id written by migration 0001. */
export const APPLICATION_ID = 0x53484f41;
const SQLITE_MAGIC = 'SQLite format 3\0';

export interface HeaderInfo {
  exists: boolean;
  userVersion: number;
  applicationId: number;
  walPending: boolean;
}

/**
 * Reads the version straight from the file header (offset 60 user_version, 68 application_id) with a plain
 * read-only fd: nothing is written, no -wal/-shm is created, the file stays byte-identical.
 */
export function readHeader(file: string): HeaderInfo {
  if (!existsSync(file)) return { exists: false, userVersion: 0, applicationId: 0, walPending: false };
  const size = statSync(file).size;
  if (size === 0) return { exists: true, userVersion: 0, applicationId: 0, walPending: false };
  const buf = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, buf, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || buf.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new StationError('DB_CORRUPT', `${file} is not an SQLite database`, { file });
  }
  const wal = `${file}-wal`;
  return {
    exists: true,
    userVersion: buf.readUInt32BE(60),
    applicationId: buf.readUInt32BE(68),
    walPending: existsSync(wal) && statSync(wal).size > 0,
  };
}

/** The schema version a file holds, without changing it (used by `doctor` and before opening). */
/** The SQLite library's version (doctor: proves the native module loads for this Node ABI). */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('select sqlite_version() v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

export function peekSchemaVersion(file: string): HeaderInfo {
  const h = readHeader(file);
  if (!h.walPending) return h;
  // Committed pages may still sit in the WAL (after a crash): ask SQLite, read-only.
  const ro = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      ...h,
      userVersion: ro.pragma('user_version', { simple: true }) as number,
      applicationId: ro.pragma('application_id', { simple: true }) as number,
    };
  } finally {
    ro.close();
  }
}

function sqliteError(err: unknown, file: string): StationError {
  if (err instanceof StationError) return err;
  const code = (err as { code?: string }).code ?? '';
  const msg = (err as Error)?.message ?? String(err);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return new StationError('DB_CORRUPT', `${file}: ${msg}`, { file, sqlite: code });
  if (code === 'SQLITE_FULL') return new StationError('DISK_FULL', `${file}: disk full`, { file });
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM')
    return new StationError('DATA_DIR_UNWRITABLE', `${file}: ${msg}`, { file, sqlite: code });
  if (code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC') return new StationError('DISK_FULL', `${file}: write failed (${code})`, { file, sqlite: code });
  return new StationError('INTERNAL', `${file}: ${msg}`, { file, sqlite: code });
}

export class Store {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  private prepare(text: string): Database.Statement {
    let st = this.cache.get(text);
    if (st === undefined) {
      st = this.db.prepare(text);
      this.cache.set(text, st);
    }
    return st;
  }

  all<T>(q: Sql): T[] {
    return this.prepare(q.text).all(...(q.values as unknown[])) as T[];
  }

  get<T>(q: Sql): T | undefined {
    return this.prepare(q.text).get(...(q.values as unknown[])) as T | undefined;
  }

  run(q: Sql): Database.RunResult {
    return this.prepare(q.text).run(...(q.values as unknown[]));
  }

  /** BEGIN IMMEDIATE … COMMIT; nested calls become savepoints. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }
}

export interface OpenOptions {
  migrations?: Migration[];
  /** Stop at this version (tests migrate step by step). */
  targetVersion?: number;
}

/**
 * Opens (creating if needed) the station database: checks the header read-only first, refuses a foreign
 * file or one newer than this code, then WAL + foreign keys + synchronous=FULL, then applies the pending
 * migrations in one transaction and records PRAGMA user_version.
 */
export function openStore(file: string, opts: OpenOptions = {}): Store {
  const migrations = opts.migrations ?? loadMigrations();
  const known = opts.targetVersion ?? codeSchemaVersion(migrations);
  let header: HeaderInfo;
  try {
    header = peekSchemaVersion(file);
  } catch (err) {
    throw sqliteError(err, file);
  }
  if (header.userVersion > known) {
    throw new StationError('DB_NEWER_THAN_CODE', `${file} has schema ${header.userVersion}; this build knows ${known}`, {
      file,
      fileVersion: header.userVersion,
      codeVersion: known,
    });
  }
  if (header.userVersion > 0 && header.applicationId !== APPLICATION_ID) {
    throw new StationError('DB_CORRUPT', `${file} is an SQLite database of another application`, { file, applicationId: header.applicationId });
  }

  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 5000 });
  } catch (err) {
    throw sqliteError(err, file);
  }
  try {
    if (header.exists && header.userVersion === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0) throw new StationError('DB_CORRUPT', `${file} holds tables of another application`, { file });
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    const store = new Store(db);
    migrate(store, migrations, known, file);
    return store;
  } catch (err) {
    db.close();
    throw sqliteError(err, file);
  }
}

function migrate(store: Store, migrations: Migration[], target: number, file: string): void {
  const from = store.schemaVersion;
  if (from >= target) return;
  const pending = migrations.filter((m) => m.version > from && m.version <= target);
  try {
    store.db.transaction(() => {
      for (const m of pending) store.db.exec(m.sql);
      store.db.pragma(`user_version = ${target}`);
    }).immediate();
  } catch (err) {
    if (err instanceof StationError) throw err;
    const mapped = sqliteError(err, file);
    if (mapped.code !== 'INTERNAL') throw mapped;
    throw new StationError('DB_MIGRATION_FAILED', `migrating ${file} from ${from} to ${target}: ${(err as Error).message}`, { from, target });
  }
  // Checkpoint so the header (which `doctor` and the version check read) is current.
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  log.info('database migrated', { file, from, to: target });
}
