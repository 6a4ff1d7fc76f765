// Tables of the reference server's dvc-bo and dvcqg modes (its own SQLite file; no migrations). Unlike protocol v1,
// these targets key files by a server id that changes on every upload and dossiers by MaHoSo only.
import { randomBytes } from 'node:crypto';
import type { Db, ServerState } from './store';
import { sha256Hex } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS t_principals (
  kind TEXT NOT NULL CHECK (kind IN ('client', 'account')),
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) STRICT;
CREATE TABLE IF NOT EXISTS t_tokens (
  token_hash TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS t_files (
  file_id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  stored_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS t_issued_codes (
  code TEXT PRIMARY KEY,
  issued_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS t_dossiers (
  code TEXT PRIMARY KEY,
  id_ho_so TEXT NOT NULL UNIQUE,
  body_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS t_dossier_files (
  code TEXT NOT NULL REFERENCES t_dossiers(code),
  sha256 TEXT NOT NULL,
  file_id TEXT NOT NULL REFERENCES t_files(file_id),
  component_code TEXT NOT NULL,
  PRIMARY KEY (code, sha256)
) STRICT;
CREATE TABLE IF NOT EXISTS q_store (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  stored_at TEXT NOT NULL
) STRICT;
`;

export function openTargetTables(db: Db): void {
  db.exec(SCHEMA);
}

export function addPrincipals(db: Db, kind: 'client' | 'account', list: readonly { name: string; secret: string }[]): void {
  const ins = db.prepare('INSERT OR REPLACE INTO t_principals (kind, name, secret) VALUES (?, ?, ?)');
  db.transaction(() => list.forEach((p) => ins.run(kind, p.name, p.secret)))();
}

export function principalSecret(db: Db, kind: 'client' | 'account', name: string): string | undefined {
  return (db.prepare('SELECT secret FROM t_principals WHERE kind = ? AND name = ?').get(kind, name) as { secret: string } | undefined)?.secret;
}

export function issueTargetToken(db: Db, principal: string, ttlSeconds: number): string {
  const token = randomBytes(24).toString('base64url');
  db.prepare('INSERT INTO t_tokens (token_hash, principal, expires_at) VALUES (?, ?, ?)').run(sha256Hex(token), principal, Date.now() + ttlSeconds * 1000);
  return token;
}

export function checkTargetToken(db: Db, token: string | null): boolean {
  if (!token) return false;
  const r = db.prepare('SELECT expires_at FROM t_tokens WHERE token_hash = ?').get(sha256Hex(token)) as { expires_at: number } | undefined;
  return !!r && r.expires_at > Date.now();
}

export function expireTargetToken(db: Db, token: string): void {
  db.prepare('UPDATE t_tokens SET expires_at = ? WHERE token_hash = ?').run(Date.now() - 1, sha256Hex(token));
}

/** A new id for every upload, even of the same bytes (iGate: uploads are not idempotent). */
export function addTargetFile(db: Db, sha256: string, size: number, fileName: string, prefix: string): string {
  const fileId = `${prefix}${randomBytes(12).toString('hex')}`;
  db.prepare('INSERT INTO t_files (file_id, sha256, size, file_name, stored_at) VALUES (?, ?, ?, ?, ?)').run(fileId, sha256, size, fileName, new Date().toISOString());
  return fileId;
}

export function targetFile(db: Db, fileId: string): { file_id: string; sha256: string; size: number } | undefined {
  return db.prepare('SELECT file_id, sha256, size FROM t_files WHERE file_id = ?').get(fileId) as { file_id: string; sha256: string; size: number } | undefined;
}

export function issueCode(db: Db, code: string): void {
  db.prepare('INSERT INTO t_issued_codes (code, issued_at) VALUES (?, ?)').run(code, new Date().toISOString());
}

export function codeIssued(db: Db, code: string): boolean {
  return db.prepare('SELECT 1 FROM t_issued_codes WHERE code = ?').get(code) !== undefined;
}

export interface TargetDossier {
  code: string;
  idHoSo: string;
  body: Record<string, unknown>;
  version: number;
  files: { fileId: string; sha256: string; componentCode: string }[];
}

export function targetDossier(db: Db, code: string): TargetDossier | undefined {
  const r = db.prepare('SELECT * FROM t_dossiers WHERE code = ?').get(code) as { code: string; id_ho_so: string; body_json: string; version: number } | undefined;
  if (!r) return undefined;
  const files = db
    .prepare('SELECT file_id AS fileId, sha256, component_code AS componentCode FROM t_dossier_files WHERE code = ? ORDER BY rowid')
    .all(code) as TargetDossier['files'];
  return { code: r.code, idHoSo: r.id_ho_so, body: JSON.parse(r.body_json) as Record<string, unknown>, version: r.version, files };
}

/** Creates or replaces the dossier CODE; files already attached keep their row, new ones are added. */
export function saveTargetDossier(db: Db, code: string, body: unknown, files: readonly { fileId: string; sha256: string; componentCode: string }[]): TargetDossier {
  return db.transaction(() => {
    const now = new Date().toISOString();
    const existing = db.prepare('SELECT version FROM t_dossiers WHERE code = ?').get(code) as { version: number } | undefined;
    if (existing) {
      db.prepare('UPDATE t_dossiers SET body_json = ?, updated_at = ?, version = version + 1 WHERE code = ?').run(JSON.stringify(body), now, code);
    } else {
      db.prepare('INSERT INTO t_dossiers (code, id_ho_so, body_json, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)').run(
        code,
        randomBytes(12).toString('hex'),
        JSON.stringify(body),
        now,
        now,
      );
    }
    const ins = db.prepare('INSERT OR IGNORE INTO t_dossier_files (code, sha256, file_id, component_code) VALUES (?, ?, ?, ?)');
    for (const f of files) ins.run(code, f.sha256, f.fileId, f.componentCode);
    return targetDossier(db, code)!;
  })();
}

export function qStoreHas(db: Db, sha256: string): { size: number } | undefined {
  return db.prepare('SELECT size FROM q_store WHERE sha256 = ?').get(sha256) as { size: number } | undefined;
}

export function qStorePut(db: Db, sha256: string, size: number): void {
  db.prepare('INSERT OR IGNORE INTO q_store (sha256, size, stored_at) VALUES (?, ?, ?)').run(sha256, size, new Date().toISOString());
}

/** Same shape as protocol v1's state; draftId is empty (these targets never see the station's draft id). */
export function readTargetState(db: Db): ServerState {
  const codes = db.prepare('SELECT code, version FROM t_dossiers ORDER BY code').all() as { code: string; version: number }[];
  const dossiers = codes.map((d) => ({
    dossierCode: d.code,
    draftId: '',
    stationId: '',
    version: d.version,
    files: db.prepare('SELECT file_id AS fileId, sha256 FROM t_dossier_files WHERE code = ? ORDER BY rowid').all(d.code) as { fileId: string; sha256: string }[],
  }));
  const files = (
    db
      .prepare(
        `SELECT f.file_id AS fileId, f.sha256, f.size, EXISTS (SELECT 1 FROM t_dossier_files df WHERE df.file_id = f.file_id) AS attached
         FROM t_files f ORDER BY f.file_id`,
      )
      .all() as { fileId: string; sha256: string; size: number; attached: number }[]
  ).map((f) => ({ ...f, attached: f.attached === 1 }));
  // No field for the access-log head in these protocols (only sohoa-v1 anchors it).
  return { dossiers, files, stations: [], auditAnchors: [] };
}
