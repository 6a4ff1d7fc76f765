-- 0001: the station's first schema. Every table is STRICT; ids are TEXT (ULIDs, draft ids, sha256 hex).
-- Times are ISO 8601 strings with offset. Foreign keys are enforced (PRAGMA foreign_keys=ON at open).

PRAGMA application_id = 1397247809; -- 'SHOA': tells a station database from any other SQLite file

CREATE TABLE station (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  agency_code TEXT,                          -- QĐ 20/2020 mã định danh of the agency at this counter
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE user (
  id          TEXT PRIMARY KEY,
  login       TEXT NOT NULL UNIQUE,
  full_name   TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('clerk', 'records_clerk', 'admin')),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE procedure (
  code        TEXT PRIMARY KEY CHECK (code GLOB '[0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'),
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('commune', 'province', 'ministry')),
  field       TEXT,                          -- lĩnh vực
  source      TEXT,                          -- where the entry was confirmed
  confirmed   INTEGER NOT NULL DEFAULT 1 CHECK (confirmed IN (0, 1)),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  catalogue_version TEXT NOT NULL
) STRICT;

CREATE TABLE procedure_component (
  procedure_code TEXT NOT NULL REFERENCES procedure(code) ON DELETE CASCADE,
  type_code      TEXT NOT NULL,              -- MaThanhPhanHoSo / result code
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('intake', 'result')),
  required       INTEGER NOT NULL CHECK (required IN (0, 1)),
  position       INTEGER NOT NULL,
  PRIMARY KEY (procedure_code, type_code)
) STRICT;

CREATE TABLE dossier (
  id              TEXT PRIMARY KEY,          -- local draft id: <station id>-<ULID>
  station_id      TEXT NOT NULL REFERENCES station(id),
  server_code     TEXT UNIQUE,               -- MaHoSo, bound at sync
  purpose         TEXT NOT NULL CHECK (purpose IN ('intake', 'result')),
  procedure_code  TEXT NOT NULL REFERENCES procedure(code),
  owner_id_type   TEXT NOT NULL CHECK (owner_id_type IN ('cccd', 'cmnd', 'org')),
  owner_id        TEXT NOT NULL,             -- DinhDanhCHS.SoDinhDanh / tax code
  owner_name      TEXT NOT NULL,
  owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('citizen', 'enterprise', 'agency', 'other')),
  channel         INTEGER NOT NULL DEFAULT 1 CHECK (channel IN (1, 2, 3)), -- KenhThucHien
  summary         TEXT,                      -- TrichYeuHoSo
  state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'complete', 'queued', 'synced')),
  created_by      TEXT REFERENCES user(id),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_state ON dossier(state, created_at);
CREATE INDEX dossier_created ON dossier(created_at);

CREATE TABLE component (
  id                  TEXT PRIMARY KEY,
  dossier_id          TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
  type_code           TEXT NOT NULL,         -- MaThanhPhanHoSo
  name                TEXT NOT NULL,
  kind                TEXT NOT NULL CHECK (kind IN ('intake', 'result')),
  required            INTEGER NOT NULL CHECK (required IN (0, 1)),
  position            INTEGER NOT NULL,
  summary             TEXT,
  valid_from          TEXT,
  valid_to            TEXT,
  validity_scope      TEXT,
  copy_type           TEXT NOT NULL DEFAULT 'copy' CHECK (copy_type IN ('original', 'copy', 'electronic')), -- LoaiBan
  reuse               TEXT NOT NULL DEFAULT 'none' CHECK (reuse IN ('none', 'reused', 'reused_replaced')), -- DuocTaiSuDung
  replaced_result_code TEXT,                 -- MaKetQuaThayThe
  from_national_store INTEGER NOT NULL DEFAULT 0 CHECK (from_national_store IN (0, 1)), -- DuocLayTuKhoDMQG
  result_code         TEXT,                  -- MaGiayToKetQua
  created_at          TEXT NOT NULL
) STRICT;
CREATE INDEX component_dossier ON component(dossier_id, position);

CREATE TABLE blob (
  sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size        INTEGER NOT NULL,
  media_type  TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE scan_job (
  id            TEXT PRIMARY KEY,
  component_id  TEXT REFERENCES component(id) ON DELETE CASCADE,
  device_id     TEXT NOT NULL,
  profile_json  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'failed', 'interrupted', 'cancelled')),
  error_code    TEXT,
  pages_done    INTEGER NOT NULL DEFAULT 0,
  started_at    TEXT NOT NULL,
  ended_at      TEXT
) STRICT;

CREATE TABLE page (
  id            TEXT PRIMARY KEY,
  component_id  TEXT NOT NULL REFERENCES component(id) ON DELETE CASCADE,
  scan_job_id   TEXT REFERENCES scan_job(id),
  seq           INTEGER NOT NULL,            -- capture sequence within the job: a page's identity
  position      INTEGER NOT NULL,            -- order within the component (reorderable)
  raw_sha256    TEXT NOT NULL REFERENCES blob(sha256),
  encoded_sha256 TEXT REFERENCES blob(sha256),
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  dpi           INTEGER NOT NULL,
  pixel_type    TEXT NOT NULL CHECK (pixel_type IN ('color', 'gray', 'bw')),
  state         TEXT NOT NULL DEFAULT 'captured' CHECK (state IN ('captured', 'analysed', 'encoded', 'deleted')),
  blank_score   REAL,
  blank_flag    TEXT NOT NULL DEFAULT 'none' CHECK (blank_flag IN ('none', 'flagged', 'confirmed_blank', 'confirmed_keep')),
  skew_deg      REAL,
  rotation      INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),
  compliant     INTEGER CHECK (compliant IN (0, 1)),
  created_at    TEXT NOT NULL,
  UNIQUE (scan_job_id, seq)
) STRICT;
CREATE INDEX page_component ON page(component_id, position);

CREATE TABLE document (
  id            TEXT PRIMARY KEY,
  component_id  TEXT NOT NULL REFERENCES component(id) ON DELETE CASCADE,
  sha256        TEXT NOT NULL REFERENCES blob(sha256),  -- current bytes (after the latest signature)
  original_sha256 TEXT REFERENCES blob(sha256),         -- an imported file's original bytes
  source        TEXT NOT NULL CHECK (source IN ('scan', 'import')),
  file_name     TEXT,
  pdfa_level    TEXT,                                   -- '1b', '2b' or NULL
  page_count    INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'assembled' CHECK (state IN ('assembled', 'signed', 'synced', 'purged')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX document_component ON document(component_id);

CREATE TABLE signature (
  id            TEXT PRIMARY KEY,
  document_id   TEXT NOT NULL REFERENCES document(id) ON DELETE CASCADE,
  role          TEXT NOT NULL CHECK (role IN ('clerk', 'agency', 'timestamp')),
  signer_name   TEXT NOT NULL,
  cert_sha256   TEXT,
  level         TEXT NOT NULL CHECK (level IN ('B-B', 'B-T', 'B-LT', 'DTS')),
  signed_sha256 TEXT NOT NULL,               -- the document's bytes once this signature was appended
  signed_at     TEXT NOT NULL
) STRICT;

CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('upload', 'commit')),
  dossier_id    TEXT NOT NULL REFERENCES dossier(id),
  document_id   TEXT REFERENCES document(id),
  sha256        TEXT,
  state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'inflight', 'done', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error_code TEXT,
  last_error    TEXT,
  remote_id     TEXT,                        -- server file id / dossier code
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_state ON outbox(state, next_attempt_at);
CREATE UNIQUE INDEX outbox_upload_once ON outbox(document_id, sha256) WHERE kind = 'upload';

CREATE TABLE audit_event (
  seq           INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  actor         TEXT,
  action        TEXT NOT NULL,               -- e.g. dossier.create, document.view, document.export, document.sign
  subject_type  TEXT,
  subject_id    TEXT,
  details_json  TEXT NOT NULL DEFAULT '{}',
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL UNIQUE         -- sha256(prev_hash || canonical row): the access log is hash-chained
) STRICT;
-- Law 91/2025: the access log must be trustworthy: append-only.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;

CREATE TABLE setting (
  key         TEXT PRIMARY KEY,
  value_json  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT
) STRICT;

-- Results of mutating StationApi calls by idempotency key: a retried call answers the first result.
CREATE TABLE idempotency (
  key         TEXT PRIMARY KEY,
  method      TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
