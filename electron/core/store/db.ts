import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { fsyncDir, fsyncFile } from './durable';
import { pausePoint } from './testSeam';
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
  /** The file does not start with the SQLite magic: encrypted (SQLCipher 4 format), or not a database. */
  encrypted: boolean;
}

/**
 * The database key as SQLite3 Multiple Ciphers takes it: the SQLCipher 4 scheme (so `sqlcipher` tools
 * open a copy for an inspector) with a raw 256-bit key (no passphrase KDF: the key is random).
 */
export function applyKey(db: Database.Database, key: Buffer, pragma: 'key' | 'rekey' = 'key'): void {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`${pragma} = "x'${key.toString('hex')}'"`);
}

/**
 * Reads the version straight from the file header (offset 60 user_version, 68 application_id) with a plain
 * read-only fd: nothing is written, no -wal/-shm is created, the file stays byte-identical. An encrypted
 * file has no readable header: `encrypted` is set and the caller asks SQLite with the key.
 */
export function readHeader(file: string): HeaderInfo {
  if (!existsSync(file)) return { exists: false, userVersion: 0, applicationId: 0, walPending: false, encrypted: false };
  const size = statSync(file).size;
  if (size === 0) return { exists: true, userVersion: 0, applicationId: 0, walPending: false, encrypted: false };
  const buf = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, buf, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const wal = `${file}-wal`;
  const walPending = existsSync(wal) && statSync(wal).size > 0;
  if (n < 100 || buf.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    return { exists: true, userVersion: 0, applicationId: 0, walPending, encrypted: true };
  }
  return { exists: true, userVersion: buf.readUInt32BE(60), applicationId: buf.readUInt32BE(68), walPending, encrypted: false };
}

/** The SQLite library's version (doctor: proves the native module loads for this Node ABI). */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('select sqlite_version() v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** Whether a database file exists and is encrypted (its first bytes are not the SQLite magic). */
export function isEncryptedDatabase(file: string): boolean {
  const h = readHeader(file);
  return h.exists && h.encrypted;
}

/**
 * The schema version a file holds, without changing it (used by `doctor` and before opening). A plaintext
 * file is read from its header; an encrypted one (or committed pages still in the WAL) through SQLite,
 * read-only, with the key.
 */
export function peekSchemaVersion(file: string, key?: Buffer | null): HeaderInfo {
  const h = readHeader(file);
  if (h.encrypted && !key) throw new StationError('DB_CORRUPT', `${file} is not an SQLite database (or is encrypted and no key was given)`, { file });
  if (!h.walPending && !h.encrypted) return h;
  const ro = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (h.encrypted && key) applyKey(ro, key);
    return {
      ...h,
      userVersion: ro.pragma('user_version', { simple: true }) as number,
      applicationId: ro.pragma('application_id', { simple: true }) as number,
    };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (h.encrypted && code === 'SQLITE_NOTADB') {
      throw new StationError('DB_CORRUPT', `${file} is not an SQLite database, or its key is not this station's key`, { file, encrypted: true });
    }
    throw err;
  } finally {
    ro.close();
  }
}

/**
 * Encrypts a plaintext station database, crash-safe: checkpoint the WAL into the file, copy it, encrypt
 * the copy (`PRAGMA rekey`, rollback-journal mode), fsync, then rename the copy over the original. A power
 * cut leaves either the whole plaintext file or the whole encrypted one (the half-made copy is dropped at
 * the next start).
 */
export function encryptDatabaseInPlace(file: string, key: Buffer): void {
  const work = `${file}.encrypting`;
  rmSync(work, { force: true });
  rmSync(`${work}-journal`, { force: true });
  const plain = new Database(file, { fileMustExist: true });
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.pragma('journal_mode = DELETE');
  } finally {
    plain.close();
  }
  copyFileSync(file, work);
  const enc = new Database(work, { fileMustExist: true });
  try {
    enc.pragma('journal_mode = DELETE');
    applyKey(enc, key, 'rekey');
  } finally {
    enc.close();
  }
  fsyncFile(work); // through a writable handle: Windows refuses to flush a read-only one
  pausePoint('encrypt-db-before-rename');
  // The plaintext WAL/SHM were emptied by the checkpoint; they must not sit beside the encrypted file.
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  renameSync(work, file);
  fsyncDir(dirname(file));
  log.info('database encrypted in place', { file });
}

/** A half-made encrypted copy left by a crash during `encryptDatabaseInPlace` is garbage. */
export function dropEncryptionLeftovers(file: string): void {
  rmSync(`${file}.encrypting`, { force: true });
  rmSync(`${file}.encrypting-journal`, { force: true });
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

/** Opens an existing database read-only (doctor, inspectors): no migration, nothing written. */
export function openStoreReadOnly(file: string, key: Buffer | null): Store {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (key && readHeader(file).encrypted) applyKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    throw sqliteError(err, file);
  }
  return new Store(db);
}

export interface OpenOptions {
  migrations?: Migration[];
  /** Stop at this version (tests migrate step by step). */
  targetVersion?: number;
  /**
   * The database key (encryption at rest). A plaintext file is encrypted in place before it is opened.
   * `null` opens a plaintext database as it is (tests that build a station of the earlier, plaintext kind).
   */
  key?: Buffer | null;
}

/**
 * Opens (creating if needed) the station database: checks the header read-only first, refuses a foreign
 * file or one newer than this code, then WAL + foreign keys + synchronous=FULL, then applies the pending
 * migrations in one transaction and records PRAGMA user_version.
 */
export function openStore(file: string, opts: OpenOptions = {}): Store {
  const migrations = opts.migrations ?? loadMigrations();
  const known = opts.targetVersion ?? codeSchemaVersion(migrations);
  const key = opts.key ?? null;
  let header: HeaderInfo;
  try {
    dropEncryptionLeftovers(file);
    header = peekSchemaVersion(file, key);
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
    if (key && header.exists && !header.encrypted && statSync(file).size > 0) encryptDatabaseInPlace(file, key);
    db = new Database(file, { timeout: 5000 });
  } catch (err) {
    throw sqliteError(err, file);
  }
  try {
    if (key) applyKey(db, key);
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
  // Foreign keys off while migrating (it can only change outside a transaction): a migration that rebuilds a
  // table (SQLite cannot alter a CHECK) drops the old one, which with keys on would cascade into its children.
  // The whole database is checked before the commit instead, so a migration cannot leave a dangling row.
  store.db.pragma('foreign_keys = OFF');
  try {
    store.db.transaction(() => {
      for (const m of pending) store.db.exec(m.sql);
      const dangling = store.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
      if (dangling.length > 0) {
        const first = dangling[0]!;
        throw new Error(`${dangling.length} row(s) break a foreign key (first: ${first.table} rowid ${first.rowid} → ${first.parent})`);
      }
      store.db.pragma(`user_version = ${target}`);
    }).immediate();
  } catch (err) {
    if (err instanceof StationError) throw err;
    const mapped = sqliteError(err, file);
    if (mapped.code !== 'INTERNAL') throw mapped;
    throw new StationError('DB_MIGRATION_FAILED', `migrating ${file} from ${from} to ${target}: ${(err as Error).message}`, { from, target });
  } finally {
    store.db.pragma('foreign_keys = ON');
  }
  // Checkpoint so the header (which `doctor` and the version check read) is current.
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  log.info('database migrated', { file, from, to: target });
}
