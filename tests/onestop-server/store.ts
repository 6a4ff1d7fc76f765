// The reference server's own SQLite database (not the station's store: no migrations, created on first start).
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS enrolment_codes (
  code TEXT PRIMARY KEY,
  station_id TEXT,
  used_at TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS stations (
  station_id TEXT PRIMARY KEY,
  station_name TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL,
  enrolment_code TEXT NOT NULL,
  enrolled_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY,
  station_id TEXT NOT NULL REFERENCES stations(station_id),
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS files (
  file_id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  station_id TEXT,
  stored_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS dossiers (
  dossier_code TEXT PRIMARY KEY,
  draft_id TEXT NOT NULL UNIQUE,
  station_id TEXT NOT NULL,
  agency_code TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  received_at TEXT NOT NULL,
  committed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  manifest_json TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS dossier_files (
  dossier_code TEXT NOT NULL REFERENCES dossiers(dossier_code),
  sha256 TEXT NOT NULL,
  file_id TEXT NOT NULL REFERENCES files(file_id),
  file_name TEXT NOT NULL,
  component_type_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  added_version INTEGER NOT NULL,
  PRIMARY KEY (dossier_code, sha256)
) STRICT;
CREATE TABLE IF NOT EXISTS receipts (
  dossier_code TEXT NOT NULL REFERENCES dossiers(dossier_code),
  version INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  receipt_json TEXT NOT NULL,
  PRIMARY KEY (dossier_code, version)
) STRICT;
CREATE TABLE IF NOT EXISTS audit_anchors (
  station_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  draft_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (station_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS day_sequences (
  agency_code TEXT NOT NULL,
  day TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (agency_code, day)
) STRICT;
`;

export function openServerDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const fileIdFor = (sha: string): string => `F-${sha.slice(0, 16)}`;

// ---- stations, enrolment, tokens ----

export interface StationRow {
  station_id: string;
  station_name: string;
  client_id: string;
  client_secret: string;
  enrolment_code: string;
  enrolled_at: string;
}

export function addEnrolmentCodes(db: Db, codes: readonly string[]): void {
  const ins = db.prepare('INSERT OR IGNORE INTO enrolment_codes (code) VALUES (?)');
  db.transaction(() => codes.forEach((c) => ins.run(c)))();
}

export type EnrolResult =
  | { ok: true; station: StationRow; created: boolean }
  | { ok: false; reason: 'unknown_code' | 'code_used' | 'station_enrolled_with_other_code' };

export function enrol(db: Db, code: string, stationId: string, stationName: string): EnrolResult {
  return db.transaction((): EnrolResult => {
    const row = db.prepare('SELECT code, station_id FROM enrolment_codes WHERE code = ?').get(code) as
      | { code: string; station_id: string | null }
      | undefined;
    if (!row) return { ok: false, reason: 'unknown_code' };
    if (row.station_id !== null && row.station_id !== stationId) return { ok: false, reason: 'code_used' };
    const existing = db.prepare('SELECT * FROM stations WHERE station_id = ?').get(stationId) as StationRow | undefined;
    if (existing) {
      if (existing.enrolment_code !== code) return { ok: false, reason: 'station_enrolled_with_other_code' };
      return { ok: true, station: existing, created: false };
    }
    const station: StationRow = {
      station_id: stationId,
      station_name: stationName,
      client_id: `cli_${randomBytes(9).toString('base64url')}`,
      client_secret: randomBytes(24).toString('base64url'),
      enrolment_code: code,
      enrolled_at: new Date().toISOString(),
    };
    db.prepare(
      `INSERT INTO stations (station_id, station_name, client_id, client_secret, enrolment_code, enrolled_at)
       VALUES (@station_id, @station_name, @client_id, @client_secret, @enrolment_code, @enrolled_at)`,
    ).run(station);
    db.prepare('UPDATE enrolment_codes SET station_id = ?, used_at = ? WHERE code = ?').run(stationId, station.enrolled_at, code);
    return { ok: true, station, created: true };
  })();
}

export function stationByClient(db: Db, clientId: string): StationRow | undefined {
  return db.prepare('SELECT * FROM stations WHERE client_id = ?').get(clientId) as StationRow | undefined;
}

export function issueToken(db: Db, stationId: string, ttlSeconds: number, now = Date.now()): string {
  const token = randomBytes(32).toString('base64url');
  db.prepare('INSERT INTO tokens (token_hash, station_id, issued_at, expires_at) VALUES (?, ?, ?, ?)').run(
    sha256Hex(token),
    stationId,
    now,
    now + ttlSeconds * 1000,
  );
  return token;
}

export type TokenCheck = { ok: true; stationId: string } | { ok: false; reason: 'token_invalid' | 'token_expired' };

export function checkToken(db: Db, token: string, now = Date.now()): TokenCheck {
  const row = db.prepare('SELECT station_id, expires_at FROM tokens WHERE token_hash = ?').get(sha256Hex(token)) as
    | { station_id: string; expires_at: number }
    | undefined;
  if (!row) return { ok: false, reason: 'token_invalid' };
  if (row.expires_at <= now) return { ok: false, reason: 'token_expired' };
  return { ok: true, stationId: row.station_id };
}

export function expireToken(db: Db, token: string, now = Date.now()): void {
  db.prepare('UPDATE tokens SET expires_at = ? WHERE token_hash = ?').run(now - 1, sha256Hex(token));
}

// ---- files ----

export interface FileRow {
  file_id: string;
  sha256: string;
  size: number;
  file_name: string;
  content_type: string;
  station_id: string | null;
  stored_at: string;
}

export function fileByHash(db: Db, sha: string): FileRow | undefined {
  return db.prepare('SELECT * FROM files WHERE sha256 = ?').get(sha) as FileRow | undefined;
}

export function fileById(db: Db, fileId: string): FileRow | undefined {
  return db.prepare('SELECT * FROM files WHERE file_id = ?').get(fileId) as FileRow | undefined;
}

export function registerFile(db: Db, f: Omit<FileRow, 'file_id' | 'stored_at'>): FileRow {
  const row: FileRow = { ...f, file_id: fileIdFor(f.sha256), stored_at: new Date().toISOString() };
  db.prepare(
    `INSERT OR IGNORE INTO files (file_id, sha256, size, file_name, content_type, station_id, stored_at)
     VALUES (@file_id, @sha256, @size, @file_name, @content_type, @station_id, @stored_at)`,
  ).run(row);
  return fileByHash(db, f.sha256) ?? row;
}

// ---- dossiers ----

export interface ReceiptFile {
  fileId: string;
  sha256: string;
  fileName: string;
  componentTypeCode: string;
  kind: string;
}
export interface Receipt {
  draftId: string;
  dossierCode: string;
  version: number;
  committedAt: string;
  updatedAt: string;
  files: ReceiptFile[];
}

export interface DossierRow {
  dossier_code: string;
  draft_id: string;
  station_id: string;
  agency_code: string;
  procedure_code: string;
  received_at: string;
  committed_at: string;
  updated_at: string;
  version: number;
  manifest_json: string;
}

export function dossierByDraft(db: Db, draftId: string): DossierRow | undefined {
  return db.prepare('SELECT * FROM dossiers WHERE draft_id = ?').get(draftId) as DossierRow | undefined;
}
export function dossierByCode(db: Db, code: string): DossierRow | undefined {
  return db.prepare('SELECT * FROM dossiers WHERE dossier_code = ?').get(code) as DossierRow | undefined;
}

export function latestReceipt(db: Db, code: string): Receipt {
  const row = db.prepare('SELECT receipt_json FROM receipts WHERE dossier_code = ? ORDER BY version DESC LIMIT 1').get(code) as
    | { receipt_json: string }
    | undefined;
  if (!row) throw new Error(`dossier ${code} has no receipt`);
  return JSON.parse(row.receipt_json) as Receipt;
}

/** YYMMDD of an instant in Asia/Ho_Chi_Minh (UTC+7 all year). */
export function vnDay(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}

/** `<agency>-YYMMDD-NNNN` (TT 01/2018/TT-VPCP Art. 19); call inside a transaction. */
export function nextDossierCode(db: Db, agency: string, receivedAt: string): string {
  const day = vnDay(receivedAt);
  const row = db
    .prepare(
      `INSERT INTO day_sequences (agency_code, day, last_seq) VALUES (?, ?, 1)
       ON CONFLICT (agency_code, day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    )
    .get(agency, day) as { last_seq: number };
  return `${agency}-${day}-${String(row.last_seq).padStart(4, '0')}`;
}

export interface DocRef {
  sha256: string;
  fileId: string;
  fileName: string;
  componentTypeCode: string;
  kind: string;
}

function writeReceipt(db: Db, d: DossierRow): Receipt {
  const files = db
    .prepare(
      `SELECT file_id AS fileId, sha256, file_name AS fileName, component_type_code AS componentTypeCode, kind
       FROM dossier_files WHERE dossier_code = ? ORDER BY added_version, rowid`,
    )
    .all(d.dossier_code) as ReceiptFile[];
  const receipt: Receipt = {
    draftId: d.draft_id,
    dossierCode: d.dossier_code,
    version: d.version,
    committedAt: d.committed_at,
    updatedAt: d.updated_at,
    files,
  };
  db.prepare('INSERT INTO receipts (dossier_code, version, issued_at, receipt_json) VALUES (?, ?, ?, ?)').run(
    d.dossier_code,
    d.version,
    d.updated_at,
    JSON.stringify(receipt),
  );
  return receipt;
}

export type CommitOutcome =
  | { kind: 'created' | 'updated' | 'exists'; dossierCode: string; receipt: Receipt }
  | { kind: 'other_station' };

/** Applies a validated commit in one transaction (files already checked by the caller inside the same call). */
export function applyCommit(
  db: Db,
  m: { draftId: string; stationId: string; agencyCode: string; procedureCode: string; receivedAt: string },
  docs: readonly DocRef[],
  manifestJson: string,
): CommitOutcome {
  return db.transaction((): CommitOutcome => {
    const now = new Date().toISOString();
    const insFile = db.prepare(
      `INSERT OR IGNORE INTO dossier_files (dossier_code, sha256, file_id, file_name, component_type_code, kind, added_version)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const existing = dossierByDraft(db, m.draftId);
    if (!existing) {
      const code = nextDossierCode(db, m.agencyCode, m.receivedAt);
      const row: DossierRow = {
        dossier_code: code,
        draft_id: m.draftId,
        station_id: m.stationId,
        agency_code: m.agencyCode,
        procedure_code: m.procedureCode,
        received_at: m.receivedAt,
        committed_at: now,
        updated_at: now,
        version: 1,
        manifest_json: manifestJson,
      };
      db.prepare(
        `INSERT INTO dossiers (dossier_code, draft_id, station_id, agency_code, procedure_code, received_at, committed_at, updated_at, version, manifest_json)
         VALUES (@dossier_code, @draft_id, @station_id, @agency_code, @procedure_code, @received_at, @committed_at, @updated_at, @version, @manifest_json)`,
      ).run(row);
      for (const d of docs) insFile.run(code, d.sha256, d.fileId, d.fileName, d.componentTypeCode, d.kind, 1);
      return { kind: 'created', dossierCode: code, receipt: writeReceipt(db, row) };
    }
    if (existing.station_id !== m.stationId) return { kind: 'other_station' };
    const stored = new Set(
      (db.prepare('SELECT sha256 FROM dossier_files WHERE dossier_code = ?').all(existing.dossier_code) as { sha256: string }[]).map((r) => r.sha256),
    );
    const fresh = docs.filter((d) => !stored.has(d.sha256));
    if (fresh.length === 0) return { kind: 'exists', dossierCode: existing.dossier_code, receipt: latestReceipt(db, existing.dossier_code) };
    const version = existing.version + 1;
    for (const d of fresh) insFile.run(existing.dossier_code, d.sha256, d.fileId, d.fileName, d.componentTypeCode, d.kind, version);
    db.prepare('UPDATE dossiers SET version = ?, updated_at = ?, manifest_json = ? WHERE dossier_code = ?').run(
      version,
      now,
      manifestJson,
      existing.dossier_code,
    );
    const row = { ...existing, version, updated_at: now, manifest_json: manifestJson };
    return { kind: 'updated', dossierCode: existing.dossier_code, receipt: writeReceipt(db, row) };
  })();
}

// ---- whole state (tests, /__state) ----

export interface ServerState {
  dossiers: { dossierCode: string; draftId: string; stationId: string; version: number; files: { fileId: string; sha256: string }[] }[];
  files: { fileId: string; sha256: string; size: number; attached: boolean }[];
  stations: { stationId: string; stationName: string }[];
  /** The access-log heads stations sent with their commits (the external anchor), oldest first. */
  auditAnchors: { stationId: string; seq: number; head: string; draftId: string }[];
}

/** Keeps a station's access-log head as it came with a commit (sohoa-v1 `auditHead`). */
export function storeAuditAnchor(db: Db, stationId: string, draftId: string, head: { seq: number; hash: string }): void {
  db.prepare('INSERT OR IGNORE INTO audit_anchors (station_id, seq, head, draft_id, received_at) VALUES (?, ?, ?, ?, ?)').run(
    stationId,
    head.seq,
    head.hash,
    draftId,
    new Date().toISOString(),
  );
}

export function readState(db: Db): ServerState {
  const dossiers = (db.prepare('SELECT dossier_code, draft_id, station_id, version FROM dossiers ORDER BY dossier_code').all() as DossierRow[]).map(
    (d) => ({
      dossierCode: d.dossier_code,
      draftId: d.draft_id,
      stationId: d.station_id,
      version: d.version,
      files: db.prepare('SELECT file_id AS fileId, sha256 FROM dossier_files WHERE dossier_code = ? ORDER BY rowid').all(d.dossier_code) as {
        fileId: string;
        sha256: string;
      }[],
    }),
  );
  const files = (
    db
      .prepare(
        `SELECT f.file_id AS fileId, f.sha256, f.size, EXISTS (SELECT 1 FROM dossier_files df WHERE df.sha256 = f.sha256) AS attached
         FROM files f ORDER BY f.file_id`,
      )
      .all() as { fileId: string; sha256: string; size: number; attached: number }[]
  ).map((f) => ({ ...f, attached: f.attached === 1 }));
  const stations = db.prepare('SELECT station_id AS stationId, station_name AS stationName FROM stations ORDER BY station_id').all() as {
    stationId: string;
    stationName: string;
  }[];
  const auditAnchors = db
    .prepare('SELECT station_id AS stationId, seq, head, draft_id AS draftId FROM audit_anchors ORDER BY station_id, seq')
    .all() as ServerState['auditAnchors'];
  return { dossiers, files, stations, auditAnchors };
}
