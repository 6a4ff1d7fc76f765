import Database from 'better-sqlite3-multiple-ciphers';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeys } from '../../electron/core/security/keys';
import { BlobStore } from '../../electron/core/store/blobs';
import { applyKey } from '../../electron/core/store/db';

/**
 * Opens a station's database file directly, as an inspector or an attacker holding the database key
 * would (the key is read from where the station keeps it). Tests use it to look at or tamper with rows.
 */
export function openStationDb(dataDir: string, opts: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(join(dataDir, 'station.db'), { readonly: opts.readonly ?? false, fileMustExist: true });
  const keys = readKeys(dataDir);
  if (keys) applyKey(db, keys.db);
  return db;
}

/** A stored blob's plaintext written to `outDir` (the station encrypts blobs at rest), for validators. */
export function plainBlobCopy(dataDir: string, sha256: string, outDir: string): string {
  const keys = readKeys(dataDir);
  const data = new BlobStore(join(dataDir, 'blobs'), keys?.blobs ?? null).get(sha256, { verify: true });
  const file = join(outDir, `${sha256}.pdf`);
  writeFileSync(file, data);
  return file;
}

/** Every file under `dir` (recursively) whose bytes contain `needle` in UTF-8 (the grep of the data directory). */
export function filesContaining(dir: string, needle: string): string[] {
  const hit: string[] = [];
  const n = Buffer.from(needle, 'utf8');
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(n)) hit.push(p);
    }
  };
  walk(dir);
  return hit;
}
